import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DEFAULT_HTML_CSP } from "../../src/shared/security-headers";

const get = (path: string) => exports.default.fetch(new Request(`https://localhost${path}`));

const EVERY_RESPONSE = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };

describe("security headers on every Worker response", () => {
	it("gives a JSON route nosniff, no-referrer and frame-ancestors 'none'", async () => {
		const res = await get("/health/live");
		expect(res.status).toBe(200);
		expect(Object.fromEntries(res.headers)).toMatchObject({ ...EVERY_RESPONSE, "content-security-policy": "frame-ancestors 'none'" });
	});

	it("gives a 404 and an error answer the same headers", async () => {
		const missing = await get("/no/such/route");
		expect(missing.status).toBe(404);
		expect(Object.fromEntries(missing.headers)).toMatchObject({ ...EVERY_RESPONSE, "content-security-policy": "frame-ancestors 'none'" });
		const unauthorized = await get("/api/stats");
		expect(unauthorized.status).toBe(401);
		expect(Object.fromEntries(unauthorized.headers)).toMatchObject({
			...EVERY_RESPONSE,
			"content-security-policy": "frame-ancestors 'none'",
		});
	});

	it("gives the HTML API reference at /docs a full Content-Security-Policy", async () => {
		const res = await get("/docs");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/html");
		expect(Object.fromEntries(res.headers)).toMatchObject({ ...EVERY_RESPONSE, "content-security-policy": DEFAULT_HTML_CSP });
		// The page loads nothing a strict policy would block: no scripts, no external URLs.
		const html = await res.text();
		expect(html).not.toMatch(/<script|https?:\/\/(?!pipeline\.test)[^"'\s]*\.(js|css)/i);
	});
});

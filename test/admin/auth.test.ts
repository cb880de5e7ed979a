import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { admin } from "./helpers";

const ROUTES: [string, string][] = [
	["GET", "/api/stats"],
	["GET", "/api/events"],
	["GET", "/api/events/evt_x"],
	["GET", "/api/dead-letters"],
	["GET", "/api/dead-letters/1"],
	["POST", "/api/dead-letters/1/replay"],
	["POST", "/api/dead-letters/replay"],
	["DELETE", "/api/dead-letters/1"],
	["POST", "/api/replay"],
	["GET", "/metrics"],
];

describe("admin authentication", () => {
	it.each(ROUTES)("%s %s answers 401 without a token", async (method, path) => {
		const res = await admin(path, { method, token: null });
		expect(res.status).toBe(401);
		expect(res.headers.get("www-authenticate")).toContain("Bearer");
		expect(await res.json()).toMatchObject({ error: "missing_token" });
	});

	it.each(ROUTES)("%s %s answers 401 with a wrong token", async (method, path) => {
		const res = await admin(path, { method, token: `${env.ADMIN_TOKEN}x` });
		expect(res.status).toBe(401);
		expect(await res.json()).toMatchObject({ error: "invalid_token" });
	});

	it("is off (503), never open, when ADMIN_TOKEN is unset", async () => {
		for (const path of ["/api/events", "/metrics"]) {
			const ctx = createExecutionContext();
			const req = new Request(`https://localhost${path}`, { headers: { authorization: "Bearer anything" } });
			const res = await worker.fetch(req, { ...env, ADMIN_TOKEN: "" }, ctx);
			await waitOnExecutionContext(ctx);
			expect(res.status).toBe(503);
			expect(res.headers.get("retry-after")).toBe("60");
			expect(await res.json()).toMatchObject({ error: "admin_disabled" });
		}
	});

	it("serves the OpenAPI document and reference page without a token", async () => {
		expect((await admin("/openapi.json", { token: null })).status).toBe(200);
		expect((await admin("/docs", { token: null })).status).toBe(200);
	});
});

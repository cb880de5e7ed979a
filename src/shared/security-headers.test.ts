import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { describe, expect, it } from "vitest";
import { DEFAULT_HTML_CSP, securityHeaders } from "./security-headers";

function appWith(options?: Parameters<typeof securityHeaders>[0]) {
	const app = new Hono();
	app.use(securityHeaders(options));
	app.get("/json", (c) => c.json({ ok: true }));
	app.get("/html", (c) => c.html("<p>hi</p>"));
	app.get("/xhtml", (c) => c.body("<p/>", 200, { "Content-Type": "Application/XHTML+XML; charset=utf-8" }));
	app.get("/text", (c) => c.text("plain"));
	app.get("/own-csp", (c) => {
		c.header("Content-Security-Policy", "default-src 'none'; style-src 'sha256-abc'");
		return c.html("<p>own</p>");
	});
	app.get("/own-referrer", (c) => {
		c.header("Referrer-Policy", "same-origin");
		return c.json({});
	});
	app.get("/raw-html", () => new Response("<p>raw</p>", { headers: { "content-type": "text/html;charset=UTF-8" } }));
	// Response.redirect() has immutable headers, like a response from fetch().
	app.get("/redirect", () => Response.redirect("https://example.com/", 302));
	app.get("/throws", () => {
		throw new HTTPException(418, { message: "teapot" });
	});
	app.get("/empty", (c) => c.body(null, 204));
	app.notFound((c) => c.json({ error: "not_found" }, 404));
	app.onError((err, c) => c.json({ error: err.message }, 500));
	return app;
}

const BASE = { "x-content-type-options": "nosniff", "referrer-policy": "no-referrer" };

describe("securityHeaders", () => {
	it("gives a JSON response nosniff, no-referrer and frame-ancestors 'none'", async () => {
		const res = await appWith().request("/json");
		expect(res.status).toBe(200);
		expect(Object.fromEntries(res.headers)).toMatchObject({ ...BASE, "content-security-policy": "frame-ancestors 'none'" });
		expect(await res.json()).toEqual({ ok: true });
	});

	it("gives an HTML response the full default policy", async () => {
		const res = await appWith().request("/html");
		expect(res.headers.get("content-security-policy")).toBe(DEFAULT_HTML_CSP);
		expect(DEFAULT_HTML_CSP).toBe(
			"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
		);
		expect(Object.fromEntries(res.headers)).toMatchObject(BASE);
		expect(await res.text()).toBe("<p>hi</p>");
	});

	it("recognises HTML whatever the case and parameters of its content type, XHTML included", async () => {
		const app = appWith();
		expect((await app.request("/raw-html")).headers.get("content-security-policy")).toBe(DEFAULT_HTML_CSP);
		expect((await app.request("/xhtml")).headers.get("content-security-policy")).toBe(DEFAULT_HTML_CSP);
		expect((await app.request("/text")).headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
	});

	it("uses the policies passed in options", async () => {
		const app = appWith({
			htmlCsp: "default-src 'none'",
			nonHtmlCsp: "default-src 'none'; frame-ancestors 'none'",
			referrerPolicy: "strict-origin-when-cross-origin",
		});
		const html = await app.request("/html");
		expect(html.headers.get("content-security-policy")).toBe("default-src 'none'");
		expect(html.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
		expect((await app.request("/json")).headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
	});

	it("keeps a Content-Security-Policy or Referrer-Policy the route set", async () => {
		const app = appWith();
		const own = await app.request("/own-csp");
		expect(own.headers.get("content-security-policy")).toBe("default-src 'none'; style-src 'sha256-abc'");
		expect(own.headers.get("x-content-type-options")).toBe("nosniff");
		expect((await app.request("/own-referrer")).headers.get("referrer-policy")).toBe("same-origin");
	});

	it("sets the headers on a response whose headers are immutable", async () => {
		const res = await appWith().request("/redirect");
		expect(res.status).toBe(302);
		expect(res.headers.get("location")).toBe("https://example.com/");
		expect(Object.fromEntries(res.headers)).toMatchObject({ ...BASE, "content-security-policy": "frame-ancestors 'none'" });
	});

	it("sets the headers on error, not-found and empty responses", async () => {
		const app = appWith();
		for (const [path, status] of [
			["/throws", 500],
			["/nowhere", 404],
			["/empty", 204],
		] as const) {
			const res = await app.request(path);
			expect(res.status).toBe(status);
			expect(Object.fromEntries(res.headers)).toMatchObject({ ...BASE, "content-security-policy": "frame-ancestors 'none'" });
		}
	});

	it("sets the headers on Hono's own default error response", async () => {
		const app = new Hono();
		app.use(securityHeaders());
		app.get("/boom", () => {
			throw new Error("boom");
		});
		const res = await app.request("/boom");
		expect(res.status).toBe(500);
		expect(res.headers.get("x-content-type-options")).toBe("nosniff");
		expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'none'");
	});
});

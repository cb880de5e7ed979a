import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { signedRequest, validEvent } from "../support/builders";

// A var that does not parse stops the Worker from serving, loudly: never a
// silent default (MAX_BODY_BYTES="1mb" used to mean 1 MiB without a word).
async function fetchWith(vars: Record<string, string>, request: Request): Promise<Response> {
	const ctx = createExecutionContext();
	const res = await worker.fetch(request, { ...env, ...vars } as Env, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

describe("invalid vars", () => {
	it('MAX_BODY_BYTES="1mb": ingest answers 503 config_invalid with Retry-After, naming the var and its value', async () => {
		const res = await fetchWith({ MAX_BODY_BYTES: "1mb" }, await signedRequest(validEvent()));
		expect(res.status).toBe(503);
		expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
		const body = (await res.json()) as { error: string; message: string; vars: string[] };
		expect(body).toMatchObject({ error: "config_invalid", vars: ["MAX_BODY_BYTES"] });
		expect(body.message).toContain('MAX_BODY_BYTES="1mb"');
	});

	it("a provider source route is refused the same way", async () => {
		const res = await fetchWith(
			{ CHAOS_FAIL_RATE: "7", ALLOW_UNSIGNED: "yes" },
			new Request("https://localhost/webhook/stripe", { method: "POST", body: "{}" }),
		);
		expect(res.status).toBe(503);
		expect(await res.json()).toMatchObject({ error: "config_invalid", vars: ["ALLOW_UNSIGNED", "CHAOS_FAIL_RATE"] });
	});

	it("the admin API answers 503 to an authenticated request, 401 to an anonymous one", async () => {
		const authed = new Request("https://localhost/api/stats", { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } });
		const res = await fetchWith({ DELIVERY_TIMEOUT_MS: "10s" }, authed);
		expect(res.status).toBe(503);
		expect(res.headers.get("retry-after")).toBeTruthy();
		expect(await res.json()).toMatchObject({ error: "config_invalid", vars: ["DELIVERY_TIMEOUT_MS"] });
		expect((await fetchWith({ DELIVERY_TIMEOUT_MS: "10s" }, new Request("https://localhost/api/stats"))).status).toBe(401);
	});

	it("the same request with valid vars is accepted", async () => {
		expect((await fetchWith({ MAX_BODY_BYTES: "1048576" }, await signedRequest(validEvent()))).status).toBe(202);
	});
});

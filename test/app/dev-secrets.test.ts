import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";
import { signedRequest, validEvent } from "../support/builders";
import { type ProviderKind, sampleBody, signDelivery } from "../support/providers";

// The published dev values work on loopback hosts only. Every request here is
// built for localhost, then sent as it would arrive on another host.
const DEV_ENV = { ...env, ...DEV_SECRETS };

async function fetchAt(host: string, request: Request, overrides: Partial<Env> = {}): Promise<Response> {
	const url = new URL(request.url);
	url.host = host;
	const ctx = createExecutionContext();
	const res = await worker.fetch(new Request(url, request), { ...DEV_ENV, ...overrides } as Env, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

const signedEvent = () => signedRequest(validEvent(), { secret: DEV_SECRETS.WEBHOOK_SECRET });

describe("dev secrets serve loopback hosts only", () => {
	it.each(["localhost", "127.0.0.1", "[::1]", "localhost:8787", "127.0.0.1:8787"])(
		"a signed event with the dev WEBHOOK_SECRET to %s is accepted (202)",
		async (host) => {
			const res = await fetchAt(host, await signedEvent());
			expect(res.status, await res.clone().text()).toBe(202);
		},
	);

	it.each(["hooks.example.com", "localhost.example.com", "127.0.0.1.nip.io", "webhook-pipeline.acme.workers.dev"])(
		"the same event to %s gets 503 insecure_secret with Retry-After, naming the var",
		async (host) => {
			const res = await fetchAt(host, await signedEvent());
			expect(res.status).toBe(503);
			expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
			const body = (await res.json()) as { error: string; message: string; vars: string[] };
			expect(body).toMatchObject({ error: "insecure_secret", vars: ["WEBHOOK_SECRET"] });
			expect(body.message).not.toContain(DEV_SECRETS.WEBHOOK_SECRET);
		},
	);

	it("refuses the batch route too, before reading the body", async () => {
		const res = await fetchAt("hooks.example.com", await signedRequest({ events: [validEvent()] }, { path: "/webhook/batch" }));
		expect(res.status).toBe(503);
		expect(await res.json()).toMatchObject({ error: "insecure_secret" });
	});

	it("still refuses a dev value put with a trailing newline (echo … | wrangler secret put)", async () => {
		const res = await fetchAt("hooks.example.com", await signedEvent(), { WEBHOOK_SECRET: `${DEV_SECRETS.WEBHOOK_SECRET}\n` });
		expect(res.status).toBe(503);
	});

	it("serves any other host with a real secret, including one the dev value merely starts with", async () => {
		const secret = `${DEV_SECRETS.WEBHOOK_SECRET}-but-rotated`;
		const request = await signedRequest(validEvent(), { secret });
		const res = await fetchAt("hooks.example.com", request, { WEBHOOK_SECRET: secret });
		expect(res.status, await res.clone().text()).toBe(202);
	});

	it.each<[ProviderKind, keyof typeof DEV_SECRETS]>([
		["stripe", "STRIPE_WEBHOOK_SECRET"],
		["github", "GITHUB_WEBHOOK_SECRET"],
		["standard", "STANDARD_WEBHOOK_SECRET"],
	])("%s: a provider's dev secret is refused off loopback, accepted on it", async (kind, secretVar) => {
		const delivery = await signDelivery(kind, sampleBody(kind), { secret: DEV_SECRETS[secretVar] });
		const request = () =>
			new Request(`https://localhost/webhook/${kind}`, { method: "POST", headers: delivery.headers, body: delivery.body });
		const away = await fetchAt("hooks.example.com", request());
		expect(away.status).toBe(503);
		expect(away.headers.get("retry-after")).toBeTruthy();
		expect(await away.json()).toMatchObject({ error: "insecure_secret", vars: [secretVar] });
		const local = await fetchAt("127.0.0.1", request());
		expect(local.status, await local.clone().text()).toBe(202);
	});

	it("a dev value held in a rotation slot (*_PREVIOUS) is refused too: it would still verify", async () => {
		const secret = "whsec_a-real-stripe-secret-0123456789";
		const delivery = await signDelivery("stripe", sampleBody("stripe"), { secret });
		const request = new Request("https://localhost/webhook/stripe", { method: "POST", headers: delivery.headers, body: delivery.body });
		const res = await fetchAt("hooks.example.com", request, {
			STRIPE_WEBHOOK_SECRET: secret,
			STRIPE_WEBHOOK_SECRET_PREVIOUS: DEV_SECRETS.STRIPE_WEBHOOK_SECRET,
		} as Partial<Env>);
		expect(await res.json()).toMatchObject({ error: "insecure_secret", vars: ["STRIPE_WEBHOOK_SECRET_PREVIOUS"] });
	});

	it("a source with a real secret is served off loopback even while another source keeps its dev value", async () => {
		const secret = "a-real-github-secret";
		const delivery = await signDelivery("github", sampleBody("github"), { secret });
		const request = new Request("https://localhost/webhook/github", { method: "POST", headers: delivery.headers, body: delivery.body });
		const res = await fetchAt("hooks.example.com", request, { GITHUB_WEBHOOK_SECRET: secret });
		expect(res.status, await res.clone().text()).toBe(202);
	});
});

describe("the admin API with the dev ADMIN_TOKEN", () => {
	const adminRequest = (path: string) =>
		new Request(`https://localhost${path}`, { headers: { authorization: `Bearer ${DEV_SECRETS.ADMIN_TOKEN}` } });

	it.each(["/api/stats", "/api/events", "/metrics"])("%s on hooks.example.com answers 503 insecure_secret, not 200", async (path) => {
		const res = await fetchAt("hooks.example.com", adminRequest(path));
		expect(res.status).toBe(503);
		expect(res.headers.get("retry-after")).toBeTruthy();
		expect(await res.json()).toMatchObject({ error: "insecure_secret", vars: ["ADMIN_TOKEN"] });
	});

	it("answers 200 on localhost", async () => {
		const res = await fetchAt("localhost", adminRequest("/api/stats"));
		expect(res.status).toBe(200);
	});

	it("answers 200 on any host with a real token", async () => {
		const token = "a-real-admin-token-0123456789abcdef";
		const request = new Request("https://localhost/api/stats", { headers: { authorization: `Bearer ${token}` } });
		const res = await fetchAt("hooks.example.com", request, { ADMIN_TOKEN: token });
		expect(res.status).toBe(200);
	});
});

import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PRESET_INFO, PRESET_KINDS } from "../../src/sources/presets";
import { countRows } from "../support/builders";
import { deliveryRequest, type ProviderKind, sampleBody, signDelivery } from "../support/providers";
import { asMessages, deliver, fetchRecording } from "../support/queue";

const KINDS = ["stripe", "github", "shopify", "slack", "standard"] as const satisfies ProviderKind[];
const TIMESTAMPED = ["stripe", "slack", "standard"] as const satisfies ProviderKind[];
const SIGNATURE_HEADER: Record<(typeof KINDS)[number], string> = {
	stripe: "stripe-signature",
	github: "x-hub-signature-256",
	shopify: "x-shopify-hmac-sha256",
	slack: "x-slack-signature",
	standard: "webhook-signature",
};

async function send(
	kind: ProviderKind,
	body = sampleBody(kind),
	options: Parameters<typeof signDelivery>[2] = {},
	extra: Record<string, string> = {},
) {
	const delivery = await signDelivery(kind, body, options);
	const { response, sent } = await fetchRecording(deliveryRequest(kind, delivery, extra));
	return { response, json: (await response.json()) as Record<string, unknown>, sent, delivery };
}

describe("POST /webhook/:source with each provider's own signature", () => {
	it.each(KINDS)("%s: accepts a delivery signed by the provider and enqueues it once, under <source>:<provider id>", async (kind) => {
		const { response, json, sent } = await send(kind);
		expect(response.status, JSON.stringify(json)).toBe(202);
		expect(json.event_id).toMatch(new RegExp(`^${kind}:`));
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ kind: "delivery", source: kind });
	});

	it.each(KINDS)("%s: refuses a tampered body with 401 signature_mismatch", async (kind) => {
		const body = sampleBody(kind);
		const delivery = await signDelivery(kind, body);
		const tampered = { ...delivery, body: body.replace("}", ',"tampered":true}') };
		const { response } = await fetchRecording(deliveryRequest(kind, tampered));
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: "signature_mismatch" });
	});

	it.each(KINDS)("%s: refuses a delivery signed with another secret", async (kind) => {
		const secret = kind === "standard" ? `whsec_${btoa("some-other-secret-entirely-32by")}` : "not-the-configured-secret";
		const { response, json, sent } = await send(kind, undefined, { secret });
		expect(response.status).toBe(401);
		expect(json.error).toBe("signature_mismatch");
		expect(sent).toEqual([]);
	});

	it.each(KINDS)("%s: refuses a delivery without its signature header with 401 signature_missing", async (kind) => {
		const delivery = await signDelivery(kind, sampleBody(kind));
		delete delivery.headers[SIGNATURE_HEADER[kind]];
		const { response } = await fetchRecording(deliveryRequest(kind, delivery));
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: "signature_missing" });
	});

	it.each(TIMESTAMPED)("%s: refuses a correctly signed but stale delivery with 401 timestamp_out_of_tolerance", async (kind) => {
		const { response, json } = await send(kind, undefined, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
		expect(response.status).toBe(401);
		expect(json.error).toBe("timestamp_out_of_tolerance");
	});

	it("answers a provider's retry of the same delivery 200 duplicate, and enqueues nothing", async () => {
		const first = await send("stripe");
		const again = await fetchRecording(deliveryRequest("stripe", first.delivery));
		expect(again.response.status).toBe(200);
		expect(await again.response.json()).toMatchObject({ status: "duplicate", event_id: first.json.event_id });
		expect(again.sent).toEqual([]);
	});

	it("keeps the same provider id from two sources apart: both accepted, both stored", async () => {
		const id = `msg_${crypto.randomUUID()}`;
		const body = sampleBody("standard");
		const asStandard = await send("standard", body, { headers: { "webhook-id": id } });
		// The same id and body at a second Standard Webhooks source.
		const sources = [...(env.SOURCES as object[]), { name: "standard-eu", kind: "standard", secretVars: ["STANDARD_WEBHOOK_SECRET"] }];
		const delivery = await signDelivery("standard", body, { headers: { "webhook-id": id } });
		const asEu = await fetchRecording(deliveryRequest("standard-eu", delivery), { SOURCES: sources });
		expect(asStandard.response.status).toBe(202);
		expect(asEu.response.status).toBe(202);
		await deliver("webhook-events", asMessages([...asStandard.sent, ...asEu.sent]), { SOURCES: sources });
		expect(await countRows("SELECT count(*) AS n FROM events WHERE provider_event_id = ?", id)).toBe(2);
		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id IN (?, ?)", `standard:${id}`, `standard-eu:${id}`)).toBe(2);
	});

	it("answers Slack's url_verification with its challenge, unqueued", async () => {
		const body = JSON.stringify({
			token: "x",
			challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
			type: "url_verification",
		});
		const { response, json, sent } = await send("slack", body);
		expect(response.status).toBe(200);
		expect(json).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
		expect(sent).toEqual([]);
	});

	it("answers GitHub's ping 2xx, unqueued", async () => {
		const { response, sent } = await send(
			"github",
			JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 }),
			{},
			{ "x-github-event": "ping" },
		);
		expect(response.status).toBe(200);
		expect(sent).toEqual([]);
	});

	it("names the missing provider id in a 400, after the signature passed", async () => {
		const { response, json } = await send("github", sampleBody("github"), {}, { "x-github-delivery": "" });
		expect(response.status).toBe(400);
		expect(json).toMatchObject({ error: "invalid_delivery", fields: [{ field: "X-GitHub-Delivery" }] });
	});

	it("answers an unknown source 404 JSON", async () => {
		const delivery = await signDelivery("github", sampleBody("github"));
		const { response } = await fetchRecording(deliveryRequest("nope", delivery));
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: "unknown_source" });
	});

	it("answers 503 for a source whose secret is not set, and accepts it unsigned only when declared so and ALLOW_UNSIGNED is true", async () => {
		const delivery = await signDelivery("github", sampleBody("github"));
		const unset = await fetchRecording(deliveryRequest("github", delivery), { GITHUB_WEBHOOK_SECRET: "" });
		expect(unset.response.status).toBe(503);
		expect(await unset.response.json()).toMatchObject({ error: "signing_not_configured" });
		expect(unset.response.headers.get("retry-after")).not.toBeNull();

		const sources = [{ name: "local", kind: "github", secretVars: [], unsigned: true }];
		const request = () => deliveryRequest("local", { ...delivery, headers: { ...delivery.headers, "x-hub-signature-256": "" } });
		// The source's flag alone does not open it.
		const flagOnly = await fetchRecording(request(), { SOURCES: sources });
		expect(flagOnly.response.status).toBe(503);
		const allowed = await fetchRecording(request(), { SOURCES: sources, ALLOW_UNSIGNED: "true" });
		expect(allowed.response.status).toBe(202);
	});

	it("answers 429 with Retry-After once a source is over its rate limit", async () => {
		const sources = [
			{ name: "tiny", kind: "github", secretVars: ["GITHUB_WEBHOOK_SECRET"], rateLimit: { binding: "TEST_TINY_RATE_LIMIT" } },
		];
		const statuses: number[] = [];
		let last: Response | undefined;
		for (let i = 0; i < 4; i++) {
			last = (await fetchRecording(deliveryRequest("tiny", await signDelivery("github", sampleBody("github"))), { SOURCES: sources }))
				.response;
			statuses.push(last.status);
		}
		expect(statuses.slice(0, 2)).toEqual([202, 202]);
		expect(statuses.at(-1)).toBe(429);
		expect(await last?.json()).toMatchObject({ error: "rate_limited" });
		expect(last?.headers.get("retry-after")).toMatch(/^\d+$/);
	});

	it("refuses an address that keeps failing signatures before verifying anything", async () => {
		const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
		const bad = await signDelivery("github", sampleBody("github"), { secret: "wrong" });
		const statuses: number[] = [];
		for (let i = 0; i < 32; i++)
			statuses.push((await fetchRecording(deliveryRequest("github", bad, { "cf-connecting-ip": ip }))).response.status);
		expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
		const blocked = await fetchRecording(
			deliveryRequest("github", await signDelivery("github", sampleBody("github")), { "cf-connecting-ip": ip }),
		);
		expect(blocked.response.status).toBe(429);
		expect(await blocked.response.json()).toMatchObject({ error: "too_many_failures" });
		// Another address is unaffected.
		const other = await fetchRecording(
			deliveryRequest("github", await signDelivery("github", sampleBody("github")), { "cf-connecting-ip": "198.51.100.7" }),
		);
		expect(other.response.status).toBe(202);
	});
});

describe("GET /api/sources", () => {
	it("lists every configured source and direct, with received, accepted, duplicates and rejections by reason", async () => {
		type Counters = { received: number; accepted: number; duplicates: number; rejected: Record<string, number>; last_seen: string | null };
		type Listed = {
			name: string;
			kind: string;
			signing: string;
			url: string;
			configured: boolean;
			secret_vars: string[];
			settings_url: string | null;
			counters: Counters;
		};
		const list = async () => {
			const res = await exports.default.fetch(
				new Request("https://localhost/api/sources", { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } }),
			);
			expect(res.status).toBe(200);
			return ((await res.json()) as { data: Listed[] }).data;
		};
		const shopifyOf = (data: Listed[]) => data.find((s) => s.name === "shopify") as Listed;
		// Other tests in this file send to shopify too: compare before and after.
		const before = shopifyOf(await list()).counters;
		const first = await send("shopify");
		await fetchRecording(deliveryRequest("shopify", first.delivery));
		await send("shopify", undefined, { secret: "wrong" });
		const data = await list();
		// Every preset is listed, whether SOURCES names it or not.
		expect(data.map((s) => s.name)).toEqual(["direct", ...PRESET_KINDS]);
		const shopify = shopifyOf(data);
		expect(shopify).toMatchObject({
			kind: "shopify",
			signing: "configured",
			configured: true,
			url: "/webhook/shopify",
			secret_vars: ["SHOPIFY_WEBHOOK_SECRET", "SHOPIFY_WEBHOOK_SECRET_PREVIOUS"],
			settings_url: PRESET_INFO.shopify.settingsUrl,
		});
		expect(shopify.counters.received - before.received).toBe(3);
		expect(shopify.counters.accepted - before.accepted).toBe(1);
		expect(shopify.counters.duplicates - before.duplicates).toBe(1);
		expect((shopify.counters.rejected.signature_mismatch ?? 0) - (before.rejected.signature_mismatch ?? 0)).toBe(1);
		expect(Date.parse(String(shopify.counters.last_seen))).toBeGreaterThan(Date.now() - 60_000);
		expect(JSON.stringify(data)).not.toContain(env.SHOPIFY_WEBHOOK_SECRET);
	});

	it("says which presets are configured: configured false until the secret var is set, with the var to set and the provider's settings page", async () => {
		const res = await fetchRecording(
			new Request("https://localhost/api/sources", { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } }),
			{ PADDLE_WEBHOOK_SECRET: "", SOURCES: undefined as unknown as object[] },
		);
		const data = (
			(await res.response.json()) as { data: { name: string; configured: boolean; secret_vars: string[]; settings_url: string }[] }
		).data;
		expect(data.find((s) => s.name === "paddle")).toMatchObject({
			configured: false,
			secret_vars: ["PADDLE_WEBHOOK_SECRET", "PADDLE_WEBHOOK_SECRET_PREVIOUS"],
			settings_url: "https://vendors.paddle.com/notifications",
		});
		expect(data.find((s) => s.name === "twilio")).toMatchObject({
			configured: true,
			secret_vars: ["TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN_PREVIOUS"],
		});
		expect(data.map((s) => s.name)).toEqual(["direct", ...PRESET_KINDS]);
		expect(JSON.stringify(data)).not.toContain(env.TWILIO_AUTH_TOKEN);
	});

	it("needs the admin token", async () => {
		const res = await exports.default.fetch(new Request("https://localhost/api/sources"));
		expect(res.status).toBe(401);
	});
});

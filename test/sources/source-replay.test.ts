// Schemes that sign neither the event id nor a timestamp (GitHub, Shopify):
// a captured, validly signed body replayed under a new delivery id or event
// header is answered 200 duplicate within the idempotency window, and never
// enqueued again.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getPreset, PRESET_KINDS } from "../../src/sources/presets";
import { deliveryRequest, sampleBody, signDelivery } from "../support/providers";
import { fetchRecording } from "../support/queue";

const down = { sendBatch: () => Promise.reject(new Error("queue down")) } as unknown as Queue;

describe("replay of a captured body", () => {
	it("answers the same signed GitHub body under a new X-GitHub-Delivery, or another X-GitHub-Event, 200 duplicate", async () => {
		const first = await signDelivery("github", sampleBody("github"));
		const accepted = await fetchRecording(deliveryRequest("github", first));
		expect(accepted.response.status).toBe(202);
		expect(accepted.sent).toHaveLength(1);

		const replays: Record<string, string>[] = [{ "x-github-delivery": crypto.randomUUID() }, { "x-github-event": "release" }];
		for (const headers of replays) {
			const replay = await fetchRecording(deliveryRequest("github", first, headers));
			expect(replay.response.status, JSON.stringify(headers)).toBe(200);
			expect(await replay.response.json()).toMatchObject({ status: "duplicate" });
			expect(replay.sent).toEqual([]);
		}
	});

	it("answers the same signed Shopify body under a new X-Shopify-Event-Id 200 duplicate", async () => {
		const first = await signDelivery("shopify", sampleBody("shopify"));
		expect((await fetchRecording(deliveryRequest("shopify", first))).response.status).toBe(202);
		const replay = await fetchRecording(deliveryRequest("shopify", first, { "x-shopify-event-id": crypto.randomUUID() }));
		expect(replay.response.status).toBe(200);
		expect(replay.sent).toEqual([]);
	});

	it("still accepts a one-byte-different body, and keeps another source's copy of the same body apart", async () => {
		const body = sampleBody("github");
		expect((await fetchRecording(deliveryRequest("github", await signDelivery("github", body)))).response.status).toBe(202);
		const spaced = await fetchRecording(deliveryRequest("github", await signDelivery("github", `${body} `)));
		expect(spaced.response.status).toBe(202);
		const sources = [...(env.SOURCES as object[]), { name: "github-eu", kind: "github", secretVars: ["GITHUB_WEBHOOK_SECRET"] }];
		const other = await fetchRecording(deliveryRequest("github-eu", await signDelivery("github", body)), { SOURCES: sources });
		expect(other.response.status).toBe(202);
	});

	it("releases the body's claim with the id's when the queue refuses the send, so a retry under any id is accepted", async () => {
		const first = await signDelivery("github", sampleBody("github"));
		const refused = await fetchRecording(deliveryRequest("github", first), { EVENTS_QUEUE: down });
		expect(refused.response.status).toBe(503);
		const retried = await fetchRecording(deliveryRequest("github", first, { "x-github-delivery": crypto.randomUUID() }));
		expect(retried.response.status).toBe(202);
		expect(retried.sent).toHaveLength(1);
	});

	it("dedupes on the body for exactly the presets whose signature covers neither the event id nor a timestamp", () => {
		const dedupes = PRESET_KINDS.filter((kind) => getPreset(kind).bodyDedupe);
		// The id is an unsigned header (GitHub, Shopify, Razorpay, Twilio, GitLab,
		// Bitbucket), there is no id (Lemon Squeezy, Paystack), nothing is signed
		// (Basic auth: Chargebee, Postmark), or the signature leaves the body out
		// (Mailgun signs only its timestamp and token).
		expect(dedupes).toEqual([
			"github",
			"shopify",
			"lemonsqueezy",
			"chargebee",
			"postmark",
			"razorpay",
			"paystack",
			"twilio",
			"mailgun",
			"gitlab",
			"bitbucket",
		]);
		for (const kind of dedupes.filter((k) => k !== "mailgun")) expect(getPreset(kind).defaultToleranceSeconds).toBeNull();
		// Presets that sign no timestamp but whose id is inside the signed body
		// cannot be replayed under another id: they dedupe on the id alone.
		for (const kind of ["square", "intercom", "vercel", "segment", "typeform"] as const) expect(getPreset(kind).bodyDedupe).toBe(false);
	});
});

describe("provider ids and types past what is stored", () => {
	it("refuses a 600-character X-GitHub-Delivery with 400 naming the header, enqueueing nothing", async () => {
		const delivery = await signDelivery("github", sampleBody("github"), { headers: { "x-github-delivery": "d".repeat(600) } });
		const { response, sent } = await fetchRecording(deliveryRequest("github", delivery));
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ error: "invalid_delivery", fields: [{ field: "X-GitHub-Delivery" }] });
		expect(sent).toEqual([]);
	});

	it("accepts the longest id whose stored key <source>:<id> fits 200 characters, and refuses one more", async () => {
		const longest = "d".repeat(200 - "github:".length);
		const fits = await signDelivery("github", sampleBody("github"), { headers: { "x-github-delivery": longest } });
		const accepted = await fetchRecording(deliveryRequest("github", fits));
		expect(accepted.response.status).toBe(202);
		expect(await accepted.response.json()).toMatchObject({ event_id: `github:${longest}` });
		const over = await signDelivery("github", sampleBody("github"), { headers: { "x-github-delivery": `${longest}d` } });
		expect((await fetchRecording(deliveryRequest("github", over))).response.status).toBe(400);
	});

	it("refuses an id with whitespace inside and a Stripe id past the limit, naming the body field", async () => {
		const spaced = await signDelivery("github", sampleBody("github"), { headers: { "x-github-delivery": "abc def" } });
		expect((await fetchRecording(deliveryRequest("github", spaced))).response.status).toBe(400);
		const stripe = await signDelivery("stripe", sampleBody("stripe", { id: `evt_${"x".repeat(300)}` }));
		const { response } = await fetchRecording(deliveryRequest("stripe", stripe));
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ fields: [{ field: "id" }] });
	});

	it("refuses a type past 200 characters, naming where it came from", async () => {
		const delivery = await signDelivery("github", sampleBody("github"), { headers: { "x-github-event": "e".repeat(201) } });
		const { response } = await fetchRecording(deliveryRequest("github", delivery));
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ fields: [{ field: "X-GitHub-Event" }] });
	});
});

// Every named preset end to end through the route, signed as its provider
// signs (test/support/providers.ts): reachable at /webhook/<preset> with no
// SOURCES entry, accepted once, refused when tampered, answered duplicate
// when redelivered, and archived under its own source, byte for byte.
import { describe, expect, it } from "vitest";
import { PRESET_KINDS } from "../../src/sources/presets";
import { archivedEvent } from "../support/archive";
import { deliveryRequest, type ProviderKind, sampleBody, signDelivery, tampered } from "../support/providers";
import { asMessages, deliver, fetchRecording } from "../support/queue";

// What each sample (test/support/providers.ts) is identified as.
const PROVIDER_TYPE: Record<ProviderKind, string> = {
	stripe: "customer.created",
	github: "push",
	shopify: "customers/create",
	slack: "message",
	standard: "invoice.paid",
	clerk: "session.created",
	resend: "email.delivered",
	openai: "batch.completed",
	polar: "order.paid",
	supabase: "auth.recovery",
	workos: "session.created",
	paddle: "customer.created",
	lemonsqueezy: "order_created",
	chargebee: "customer_created",
	postmark: "Delivery",
	recurly: "account.created",
	razorpay: "order.paid",
	paystack: "charge.success",
	square: "payment.updated",
	twilio: "message.delivered",
	sendgrid: "delivered",
	mailgun: "delivered",
	discord: "APPLICATION_AUTHORIZED",
	linear: "Issue.create",
	intercom: "contact.user.created",
	vercel: "deployment.succeeded",
	segment: "track.Order Completed",
	hubspot: "contact.creation",
	zoom: "meeting.started",
	typeform: "form_response",
	calendly: "invitee.created",
	gitlab: "push",
	bitbucket: "repo:push",
	twitch: "channel.follow",
};

// Where the provider's id is an (unsigned) header.
const ID_HEADER: Partial<Record<ProviderKind, string>> = {
	github: "x-github-delivery",
	shopify: "x-shopify-event-id",
	standard: "webhook-id",
	clerk: "svix-id",
	resend: "svix-id",
	openai: "webhook-id",
	polar: "webhook-id",
	supabase: "webhook-id",
	razorpay: "x-razorpay-event-id",
	twilio: "i-twilio-idempotency-token",
	linear: "linear-delivery",
	gitlab: "x-gitlab-event-uuid",
	bitbucket: "x-request-uuid",
	twitch: "twitch-eventsub-message-id",
};

// Providers that send no event id: keyed on the body's sha256.
const BODY_KEYED: ProviderKind[] = [
	"lemonsqueezy",
	"postmark",
	"recurly",
	"paystack",
	"sendgrid",
	"discord",
	"hubspot",
	"zoom",
	"calendly",
];

// No SOURCES at all: every preset is served from its defaults.
const NO_SOURCES = { SOURCES: undefined as unknown as object[] };

async function sendSigned(kind: ProviderKind, body = sampleBody(kind)) {
	const delivery = await signDelivery(kind, body);
	const { response, sent } = await fetchRecording(deliveryRequest(kind, delivery), NO_SOURCES);
	return { response, json: (await response.json()) as Record<string, unknown>, sent, delivery };
}

describe.each(PRESET_KINDS)("POST /webhook/%s, with no SOURCES entry", (kind) => {
	it("accepts a delivery signed as the provider signs it (202), once, and archives it under its source byte for byte", async () => {
		const { response, json, sent, delivery } = await sendSigned(kind);
		expect(response.status, JSON.stringify(json)).toBe(202);
		expect(json.event_id).toMatch(new RegExp(`^${kind}:.+`));
		expect(sent).toHaveLength(1);
		const result = await deliver("webhook-events", asMessages(sent), NO_SOURCES);
		expect(result.explicitAcks).toHaveLength(1);
		const { row, event } = await archivedEvent(String(json.event_id));
		expect(row).toMatchObject({ source: kind, provider_type: PROVIDER_TYPE[kind] });
		// The payload as every route reads it back: from the R2 archive, byte for byte.
		expect(event?.payload).toBe(delivery.body);
		// The provider's own id where it sends one, else the body's sha256.
		const bodyHash = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(delivery.body)))]
			.map((b) => b.toString(16).padStart(2, "0"))
			.join("");
		const header = ID_HEADER[kind];
		if (header) expect(row?.provider_event_id).toBe(delivery.headers[header]);
		else if (BODY_KEYED.includes(kind)) expect(row?.provider_event_id).toBe(bodyHash);
		else expect(row?.provider_event_id).not.toBe(bodyHash);
	});

	it("refuses a tampered delivery with 401 and enqueues nothing", async () => {
		const delivery = await signDelivery(kind, sampleBody(kind));
		const { response, sent } = await fetchRecording(deliveryRequest(kind, tampered(kind, delivery)), NO_SOURCES);
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: "signature_mismatch" });
		expect(sent).toEqual([]);
	});

	it("answers the provider's redelivery 200 duplicate and enqueues nothing", async () => {
		const first = await sendSigned(kind);
		expect(first.response.status).toBe(202);
		const again = await fetchRecording(deliveryRequest(kind, first.delivery), NO_SOURCES);
		expect(again.response.status).toBe(200);
		expect(await again.response.json()).toMatchObject({ status: "duplicate", event_id: first.json.event_id });
		expect(again.sent).toEqual([]);
	});

	it("answers 503 with Retry-After until its secret is set", async () => {
		const delivery = await signDelivery(kind, sampleBody(kind));
		const { PRESET_INFO } = await import("../../src/sources/presets");
		const unset = await fetchRecording(deliveryRequest(kind, delivery), { ...NO_SOURCES, [PRESET_INFO[kind].secretVar]: "" });
		expect(unset.response.status).toBe(503);
		expect(unset.response.headers.get("retry-after")).not.toBeNull();
	});
});

describe("handshakes through the route: answered in place, never queued", () => {
	it("zoom: endpoint.url_validation → 200 {plainToken, encryptedToken}", async () => {
		const body = JSON.stringify({
			event: "endpoint.url_validation",
			payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" },
			event_ts: Date.now(),
		});
		const { response, json, sent } = await sendSigned("zoom", body);
		expect(response.status).toBe(200);
		expect(json).toMatchObject({ plainToken: "qgg8vlvZRS6UYooatFL8Aw", encryptedToken: expect.stringMatching(/^[0-9a-f]{64}$/) });
		expect(sent).toEqual([]);
	});

	it("twitch: webhook_callback_verification → 200 text/plain challenge", async () => {
		const body = JSON.stringify({ challenge: "pogchamp-kappa-360noscope-vohiyo", subscription: { type: "channel.follow", id: "s1" } });
		const delivery = await signDelivery("twitch", body, { headers: { "twitch-eventsub-message-type": "webhook_callback_verification" } });
		const { response, sent } = await fetchRecording(deliveryRequest("twitch", delivery), NO_SOURCES);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
		expect(await response.text()).toBe("pogchamp-kappa-360noscope-vohiyo");
		expect(sent).toEqual([]);
	});

	it("discord: an Interactions PING → 200 {type:1}, a Webhook Events PING → 204; a forged PING → 401", async () => {
		const ping = await sendSigned("discord", JSON.stringify({ id: "1", application_id: "2", type: 1, token: "t", version: 1 }));
		expect(ping.response.status).toBe(200);
		expect(ping.json).toEqual({ type: 1 });
		expect(ping.sent).toEqual([]);
		const delivery = await signDelivery("discord", JSON.stringify({ version: 1, application_id: "2", type: 0 }));
		const eventsPing = await fetchRecording(deliveryRequest("discord", delivery), NO_SOURCES);
		expect(eventsPing.response.status).toBe(204);
		expect(eventsPing.sent).toEqual([]);
		const forged = await fetchRecording(deliveryRequest("discord", { ...delivery, body: '{"type":1}' }), NO_SOURCES);
		expect(forged.response.status).toBe(401);
	});
});

describe("a configured hmac source", () => {
	it("verifies with the described scheme, accepts once, refuses a tampered body", async () => {
		const sources = [
			{
				name: "acme",
				kind: "hmac",
				secretVars: ["ACME_WEBHOOK_SECRET"],
				hmac: {
					algorithm: "sha256",
					encoding: "hex",
					signatureHeader: "X-Acme-Signature",
					signaturePrefix: "sha256=",
					signedContent: "{timestamp}.{body}",
					timestampHeader: "X-Acme-Timestamp",
					id: { path: "id" },
					type: { path: "type" },
				},
			},
		];
		const body = JSON.stringify({ id: `acme_${crypto.randomUUID()}`, type: "invoice.paid" });
		const ts = String(Math.floor(Date.now() / 1000));
		const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("acme-secret"), { name: "HMAC", hash: "SHA-256" }, false, [
			"sign",
		]);
		const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${ts}.${body}`)));
		const headers = {
			"content-type": "application/json",
			"x-acme-timestamp": ts,
			"x-acme-signature": `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`,
		};
		const env = { SOURCES: sources, ACME_WEBHOOK_SECRET: "acme-secret" } as never;
		const first = await fetchRecording(deliveryRequest("acme", { body, headers }), env);
		expect(first.response.status).toBe(202);
		expect(first.sent).toHaveLength(1);
		const again = await fetchRecording(deliveryRequest("acme", { body, headers }), env);
		expect(again.response.status).toBe(200);
		const tamperedBody = body.replace("invoice", "invoicE");
		const bad = await fetchRecording(deliveryRequest("acme", { body: tamperedBody, headers }), env);
		expect(bad.response.status).toBe(401);
	});
});

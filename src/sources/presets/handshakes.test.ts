// What a few presets do beyond "verify, then identify": answering a
// provider's handshake in place, and the details of the schemes that sign
// more than the body (Twilio's URL and params, HubSpot's URI, SendGrid's DER).
import { createHash, createHmac } from "node:crypto";
import { getExpectedBodyHash, getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto";
import type { DeliveryRequest } from "../types";
import { discord } from "./discord";
import { hubspot, hubspotUri } from "./hubspot";
import { mailgun } from "./mailgun";
import { derToP1363 } from "./sendgrid";
import { supabase } from "./supabase";
import { twilio, twilioFormSuffix, twilioUrlVariants } from "./twilio";
import { twitch } from "./twitch";
import { zoom } from "./zoom";

const req = (body: string, headers: Record<string, string> = {}, url = "https://hooks.example.com/webhook/x"): DeliveryRequest => ({
	headers,
	body: utf8(body),
	url,
	method: "POST",
});
const opts = { toleranceSeconds: 300, nowSeconds: 1_767_225_600 };

describe("handshakes answered in place", () => {
	it("zoom: endpoint.url_validation gets plainToken and its HMAC under the secret token", async () => {
		const body = { event: "endpoint.url_validation", payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" }, event_ts: 1 };
		const answer = await zoom.handshake?.(req(JSON.stringify(body)), body, ["zoom-secret"]);
		expect(answer).toEqual({
			kind: "control",
			reason: "zoom_url_validation",
			status: 200,
			body: {
				plainToken: "qgg8vlvZRS6UYooatFL8Aw",
				encryptedToken: createHmac("sha256", "zoom-secret").update("qgg8vlvZRS6UYooatFL8Aw").digest("hex"),
			},
		});
		expect(await zoom.handshake?.(req("{}"), { event: "meeting.started" }, ["zoom-secret"])).toBeUndefined();
	});

	it("twitch: webhook_callback_verification is answered with the bare challenge text", () => {
		const body = { challenge: "pogchamp-kappa-360noscope-vohiyo", subscription: { type: "channel.follow" } };
		const answer = twitch.identify(req("", { "twitch-eventsub-message-type": "webhook_callback_verification" }), body);
		expect(answer).toEqual({ kind: "control", reason: "twitch_challenge", status: 200, body: "pogchamp-kappa-360noscope-vohiyo" });
	});

	it("twitch: a revocation is archived as revocation.<type>", () => {
		const headers = {
			"twitch-eventsub-message-type": "revocation",
			"twitch-eventsub-message-id": "m1",
			"twitch-eventsub-message-timestamp": "2026-01-01T00:00:00.123456789Z",
		};
		expect(twitch.identify(req("", headers), { subscription: { type: "channel.follow" } })).toMatchObject({
			kind: "event",
			id: "m1",
			type: "revocation.channel.follow",
			occurredAt: Date.UTC(2026, 0, 1),
		});
	});

	it("discord: an Interactions PING gets {type:1}; a Webhook Events PING gets 204", () => {
		expect(discord.identify(req(""), { type: 1, id: "1", application_id: "2", token: "t", version: 1 })).toMatchObject({
			kind: "control",
			status: 200,
			body: { type: 1 },
		});
		expect(discord.identify(req(""), { version: 1, type: 0, application_id: "2" })).toMatchObject({ kind: "control", status: 204 });
		expect(
			discord.identify(req(""), { version: 1, type: 1, event: { type: "ENTITLEMENT_CREATE", timestamp: "2026-01-01T00:00:00Z" } }),
		).toEqual({
			kind: "event",
			type: "ENTITLEMENT_CREATE",
			occurredAt: Date.UTC(2026, 0, 1),
			headers: {},
		});
	});

	it("supabase: a Send Email hook is typed by its email action, so a signup maps", () => {
		const body = { user: { id: "u1", email: "a@example.com" }, email_data: { email_action_type: "signup" } };
		expect(supabase.identify(req("", { "webhook-id": "msg_1" }), body)).toMatchObject({ kind: "event", id: "msg_1", type: "auth.signup" });
	});
});

describe("twilio", () => {
	const token = "twilio-token";
	const url = "https://hooks.example.com/webhook/twilio";

	it("signs a repeated parameter's distinct values sorted, like the library", async () => {
		const form = "To=%2B1555&Media=b&Media=a&Media=b&AccountSid=AC1";
		expect(twilioFormSuffix(utf8(form))).toBe("AccountSidAC1MediaaMediabTo+1555");
		const params = { To: "+1555", Media: ["b", "a", "b"], AccountSid: "AC1" };
		const signature = getExpectedTwilioSignature(token, url, params);
		const headers = { "x-twilio-signature": signature, "content-type": "application/x-www-form-urlencoded" };
		expect(await twilio.verify(req(form, headers, url), [token], opts)).toEqual({ ok: true });
	});

	it("accepts the URL with or without its default port, as Twilio's library does", () => {
		expect(twilioUrlVariants("https://h.example/x?a=1")).toEqual(["https://h.example/x?a=1", "https://h.example:443/x?a=1"]);
		expect(twilioUrlVariants("https://h.example:443/x")).toEqual(["https://h.example:443/x", "https://h.example/x"]);
	});

	it("checks a JSON body by the bodySHA256 its signed URL carries", async () => {
		const body = JSON.stringify([{ id: "CE1", type: "com.twilio.messaging.message.delivered", data: {} }]);
		const signedUrl = `${url}?bodySHA256=${getExpectedBodyHash(body)}`;
		const headers = { "x-twilio-signature": getExpectedTwilioSignature(token, signedUrl, {}), "content-type": "application/json" };
		expect(await twilio.verify(req(body, headers, signedUrl), [token], opts)).toEqual({ ok: true });
		expect(await twilio.verify(req(`${body} `, headers, signedUrl), [token], opts)).toMatchObject({ reason: "signature_mismatch" });
		expect(twilio.identify(req(body, headers, signedUrl), JSON.parse(body))).toMatchObject({
			type: "com.twilio.messaging.message.delivered",
		});
	});

	it("signs with HMAC-SHA256 when the signature settings header says so", async () => {
		const form = "MessageSid=SM1&MessageStatus=sent";
		const signature = getExpectedTwilioSignature(token, url, { MessageSid: "SM1", MessageStatus: "sent" }, "HMAC_SHA256");
		const headers = { "x-twilio-signature": signature, "x-twilio-webhooks-signature-settings": "key=k1,algorithm=HMAC_SHA256" };
		expect(await twilio.verify(req(form, headers, url), [token], opts)).toEqual({ ok: true });
		expect(await twilio.verify(req(form, { ...headers, "x-twilio-webhooks-signature-settings": "" }, url), [token], opts)).toMatchObject({
			reason: "signature_mismatch",
		});
	});
});

describe("hubspot", () => {
	it("signs the URI with HubSpot's listed characters decoded", async () => {
		expect(hubspotUri("https://h.example/webhook/hubspot?a=%3A%2F%20x")).toBe("https://h.example/webhook/hubspot?a=:/%20x");
		const url = "https://h.example/webhook/hubspot?portal=%40acme";
		const body = '[{"eventId":1,"subscriptionType":"contact.creation","occurredAt":1767225600000}]';
		const ts = "1767225600000";
		const signature = createHmac("sha256", "client-secret")
			.update(`POSThttps://h.example/webhook/hubspot?portal=@acme${body}${ts}`)
			.digest("base64");
		const headers = { "x-hubspot-signature-v3": signature, "x-hubspot-request-timestamp": ts };
		expect(await hubspot.verify(req(body, headers, url), ["client-secret"], opts)).toEqual({ ok: true });
		expect(await hubspot.verify({ ...req(body, headers, url), method: "PUT" }, ["client-secret"], opts)).toMatchObject({
			reason: "signature_mismatch",
		});
	});
});

describe("sendgrid DER signatures", () => {
	it("refuses DER that is truncated, padded or not a SEQUENCE", () => {
		const good = Uint8Array.of(0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x07);
		expect(derToP1363(good)?.[31]).toBe(5);
		expect(derToP1363(good)?.[63]).toBe(7);
		expect(derToP1363(good.subarray(0, 7))).toBeNull();
		expect(derToP1363(Uint8Array.of(...good, 0))).toBeNull();
		expect(derToP1363(Uint8Array.of(0x31, ...good.subarray(1)))).toBeNull();
	});
});

describe("mailgun legacy form bodies", () => {
	it("verifies the signature fields of a form body and types it by its event field", async () => {
		const token = createHash("sha256").update("t").digest("hex").slice(0, 50);
		const signature = createHmac("sha256", "mg-key").update(`1767225600${token}`).digest("hex");
		const form = `event=delivered&recipient=a%40example.com&timestamp=1767225600&token=${token}&signature=${signature}`;
		expect(await mailgun.verify(req(form), ["mg-key"], opts)).toEqual({ ok: true });
		expect(await mailgun.verify(req(form.replace("1767225600", "1767225601")), ["mg-key"], opts)).toMatchObject({
			reason: "signature_mismatch",
		});
		expect(mailgun.identify(req(form), Object.fromEntries(new URLSearchParams(form)))).toMatchObject({ kind: "event", type: "delivered" });
	});
});

describe("misconfigured public keys are the operator's fault, not a 401", () => {
	it("discord: 32 bytes that are no Ed25519 point, or not hex", async () => {
		const headers = { "x-signature-ed25519": "00".repeat(64), "x-signature-timestamp": "1767225600" };
		await expect(discord.verify(req("{}", headers), ["zz"], opts)).rejects.toMatchObject({ name: "SecretFormatError" });
	});

	it("twilio: a JSON body without a URL to find bodySHA256 in is a mismatch, never a crash", async () => {
		const headers = { "x-twilio-signature": "AAAA", "content-type": "application/json" };
		expect(await twilio.verify({ headers, body: utf8("{}") }, ["t"], opts)).toMatchObject({ reason: "signature_mismatch" });
	});
});

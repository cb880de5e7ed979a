// Every named preset against deliveries signed as its provider signs them:
// scripts/events/providers/sign.ts, which uses the provider's own library
// where it signs (svix, standardwebhooks, twilio, stripe, octokit) and is
// checked against the provider's own verifier where one exists
// (scripts/events/providers/libraries.test.ts). The clock is fixed; each
// test breaks one thing.
import { describe, expect, it } from "vitest";
import { DEV_SIGNING_KEYS } from "../../scripts/events/providers/dev-keys";
import { type Delivery, defaultUrl, mailgunBody, signDelivery } from "../../scripts/events/providers/sign";
import { utf8 } from "../../src/sources/crypto";
import { PRESET_KINDS, PRESETS, type PresetKind, parseJsonBody } from "../../src/sources/presets";
import type { DeliveryRequest } from "../../src/sources/types";

const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z

// A Worker-side secret and a signing secret per kind (for the public-key
// schemes: the dev key pair), plus another that must not match.
const SECRET: Record<PresetKind, string> = Object.fromEntries(
	PRESET_KINDS.map((kind) => [kind, `${kind}-test-secret-0123456789`]),
) as Record<PresetKind, string>;
Object.assign(SECRET, {
	standard: "whsec_dGVzdC1zdGFuZGFyZC1zZWNyZXQtMDEyMzQ1Njc4OQ==",
	clerk: "whsec_dGVzdC1jbGVyay1zZWNyZXQtMDEyMzQ1Njc4OQ==",
	resend: "whsec_dGVzdC1yZXNlbmQtc2VjcmV0LTAxMjM0NTY3ODk=",
	openai: "whsec_dGVzdC1vcGVuYWktc2VjcmV0LTAxMjM0NTY3ODk=",
	supabase: "v1,whsec_dGVzdC1zdXBhYmFzZS1zZWNyZXQtMDEyMzQ1Njc4OQ==",
	chargebee: "cb-user:cb-password",
	postmark: "pm-user:pm-password",
	discord: "8c8084176fb7fd6604a33701aec12cd4449e58cfc71fb3162ee00646e16b16c2",
	sendgrid: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEjb4Ynpa/V+1tD71i+zhjtooephDzwXWV6i44GC+fCy51O2pIyEfsUWFmFSbAIN66gewdUUOMVp1AGq9CxBANUw==",
});
const signingSecret = (kind: PresetKind) => (kind === "discord" || kind === "sendgrid" ? DEV_SIGNING_KEYS[kind] : SECRET[kind]);

async function otherKeyPair(kind: "discord" | "sendgrid"): Promise<{ signing: string; verifying: string }> {
	const algorithm = kind === "discord" ? { name: "Ed25519" } : { name: "ECDSA", namedCurve: "P-256" };
	const pair = (await crypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as { privateKey: CryptoKey; publicKey: CryptoKey };
	const b64 = (buf: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buf)));
	const pkcs8 = b64((await crypto.subtle.exportKey("pkcs8", pair.privateKey)) as ArrayBuffer);
	const pub = new Uint8Array((await crypto.subtle.exportKey(kind === "discord" ? "raw" : "spki", pair.publicKey)) as ArrayBuffer);
	return {
		signing: pkcs8,
		verifying: kind === "discord" ? [...pub].map((b) => b.toString(16).padStart(2, "0")).join("") : b64(pub.buffer),
	};
}

// Where each scheme carries its signature (or credential).
const SIGNATURE_HEADER: Partial<Record<PresetKind, string>> = {
	stripe: "stripe-signature",
	github: "x-hub-signature-256",
	shopify: "x-shopify-hmac-sha256",
	slack: "x-slack-signature",
	standard: "webhook-signature",
	openai: "webhook-signature",
	supabase: "webhook-signature",
	polar: "webhook-signature",
	clerk: "svix-signature",
	resend: "svix-signature",
	workos: "workos-signature",
	paddle: "paddle-signature",
	lemonsqueezy: "x-signature",
	chargebee: "authorization",
	postmark: "authorization",
	recurly: "recurly-signature",
	razorpay: "x-razorpay-signature",
	paystack: "x-paystack-signature",
	square: "x-square-hmacsha256-signature",
	twilio: "x-twilio-signature",
	sendgrid: "x-twilio-email-event-webhook-signature",
	discord: "x-signature-ed25519",
	linear: "linear-signature",
	intercom: "x-hub-signature",
	vercel: "x-vercel-signature",
	segment: "x-signature",
	hubspot: "x-hubspot-signature-v3",
	zoom: "x-zm-signature",
	typeform: "typeform-signature",
	calendly: "calendly-webhook-signature",
	gitlab: "x-gitlab-token",
	bitbucket: "x-hub-signature",
	twitch: "twitch-eventsub-message-signature",
};

function bodyFor(kind: PresetKind, secret = signingSecret(kind), at = NOW): string {
	if (kind === "twilio") return "AccountSid=AC1&MessageSid=SM1&MessageStatus=delivered&To=%2B15558675310&Body=caf%C3%A9";
	if (kind === "mailgun") return mailgunBody({ id: "mg-1", event: "delivered", timestamp: at }, secret, at);
	// Linear signs its time inside the body.
	return JSON.stringify({ id: "evt_1", type: "x", note: "naïve 😀", webhookTimestamp: at * 1000, data: { id: "d_1" } });
}

function request(kind: PresetKind, delivery: Delivery): DeliveryRequest {
	return { headers: delivery.headers, body: utf8(delivery.body), url: defaultUrl(kind), method: "POST" };
}

async function signed(kind: PresetKind, options: { secret?: string; at?: number } = {}): Promise<DeliveryRequest> {
	const secret = options.secret ?? signingSecret(kind);
	const at = options.at ?? NOW;
	return request(kind, await signDelivery(kind, bodyFor(kind, secret, at), { secret, timestamp: at }));
}

const opts = (kind: PresetKind, now = NOW) => ({ toleranceSeconds: PRESETS[kind].defaultToleranceSeconds ?? 0, nowSeconds: now });

// A body with one byte changed where the scheme authenticates it.
function tamper(kind: PresetKind, req: DeliveryRequest): DeliveryRequest {
	const text = new TextDecoder().decode(req.body);
	if (kind === "chargebee" || kind === "postmark")
		return { ...req, headers: { ...req.headers, authorization: `Basic ${btoa("cb-user:guess")}` } };
	if (kind === "gitlab")
		return { ...req, headers: { ...req.headers, "x-gitlab-token": (req.headers["x-gitlab-token"] ?? "").slice(0, -1) } };
	if (kind === "mailgun")
		return { ...req, body: utf8(text.replace(/"timestamp":"(\d+)"/, (_m, t: string) => `"timestamp":"${Number(t) + 1}"`)) };
	if (kind === "twilio") return { ...req, body: utf8(text.replace("delivered", "delivereD")) };
	return { ...req, body: utf8(text.replace("naïve", "naive")) };
}

describe.each(PRESET_KINDS)("%s preset", (kind) => {
	const preset = PRESETS[kind];

	it("verifies a delivery signed as the provider signs it", async () => {
		expect(await preset.verify(await signed(kind), [SECRET[kind]], opts(kind))).toEqual({ ok: true });
	});

	it("refuses it with one authenticated byte changed", async () => {
		expect(await preset.verify(tamper(kind, await signed(kind)), [SECRET[kind]], opts(kind))).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("refuses it signed with another secret, and accepts it while that secret is the rotated second one", async () => {
		if (kind === "discord" || kind === "sendgrid") {
			const other = await otherKeyPair(kind);
			const req = await signed(kind, { secret: other.signing });
			expect(await preset.verify(req, [SECRET[kind]], opts(kind))).toMatchObject({ reason: "signature_mismatch" });
			expect(await preset.verify(req, [SECRET[kind], other.verifying], opts(kind))).toEqual({ ok: true });
			return;
		}
		const other = kind === "chargebee" || kind === "postmark" ? "old-user:old-password" : SECRET.standard.replace("dGVzd", "b2xkc");
		const req = await signed(kind, { secret: other });
		expect(await preset.verify(req, [SECRET[kind]], opts(kind))).toMatchObject({ reason: "signature_mismatch" });
		expect(await preset.verify(req, [SECRET[kind], other], opts(kind))).toEqual({ ok: true });
	});

	it("refuses it without its signature as signature_missing", async () => {
		const req = await signed(kind);
		if (kind === "mailgun") {
			const json = parseJsonBody(req.body) as Record<string, unknown>;
			delete json.signature;
			expect(await preset.verify({ ...req, body: utf8(JSON.stringify(json)) }, [SECRET[kind]], opts(kind))).toMatchObject({
				reason: "signature_missing",
			});
			return;
		}
		const headers = { ...req.headers };
		delete headers[SIGNATURE_HEADER[kind] ?? ""];
		expect(await preset.verify({ ...req, headers }, [SECRET[kind]], opts(kind))).toMatchObject({ reason: "signature_missing" });
	});

	it.skipIf(preset.defaultToleranceSeconds === null)(
		"refuses a genuine delivery signed just past its tolerance as stale, and takes one just inside it",
		async () => {
			const tolerance = preset.defaultToleranceSeconds ?? 0;
			const req = await signed(kind, { at: NOW - tolerance - 2 });
			expect(await preset.verify(req, [SECRET[kind]], opts(kind))).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
			expect(await preset.verify(req, [SECRET[kind]], opts(kind, NOW - 4))).toEqual({ ok: true });
		},
	);

	it("throws SecretFormatError, not a 401, for an empty secret", async () => {
		await expect(preset.verify(await signed(kind), [""], opts(kind))).rejects.toMatchObject({ name: "SecretFormatError" });
	});
});

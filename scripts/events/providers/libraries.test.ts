// The test-side signer (./sign.ts) against each provider's own library:
// where the provider publishes a verifier on npm, a delivery signed by
// sign.ts must pass it and a tampered one must not. Together with the
// Worker-side tests (test/sources/preset-vectors.test.ts, test/sources/presets.test.ts),
// that ties every scheme to the provider's own code, never ours on both sides.
// Runs in Node: several of these libraries need node:crypto.

import { readFileSync } from "node:fs";
import path from "node:path";
import { Paddle } from "@paddle/paddle-node-sdk";
import { EventWebhook } from "@sendgrid/eventwebhook";
import { WorkOS } from "@workos-inc/node";
import { verifyKey } from "discord-interactions";
import Razorpay from "razorpay";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { Webhook as SvixWebhook } from "svix";
import { validateRequest, validateRequestWithBody } from "twilio/lib/webhooks/webhooks";
import { describe, expect, it } from "vitest";
import { DEV_SIGNING_KEYS } from "./dev-keys";
import { parseDevVars } from "./secrets";
import { defaultUrl, signDelivery } from "./sign";

const dev = parseDevVars(readFileSync(path.resolve(import.meta.dirname, "../../../.dev.vars.example"), "utf8"));
const secret = (name: string) => dev[name] ?? "";
const body = JSON.stringify({ id: "evt_1", type: "user.created", data: { id: "user_1", email: "ada@example.com", note: "café" } });
const tamper = (text: string) => text.replace("ada@", "eve@");
const now = () => Math.floor(Date.now() / 1000);

describe("sign.ts agrees with each provider's own verifier", () => {
	it.each(["clerk", "resend"] as const)("%s: svix verifies it", async (kind) => {
		const key = secret(`${kind.toUpperCase()}_WEBHOOK_SECRET`);
		const delivery = await signDelivery(kind, body, { secret: key });
		expect(new SvixWebhook(key).verify(delivery.body, delivery.headers)).toMatchObject({ type: "user.created" });
		expect(() => new SvixWebhook(key).verify(tamper(delivery.body), delivery.headers)).toThrow();
	});

	it.each([
		["openai", "OPENAI_WEBHOOK_SECRET", (s: string) => s],
		["supabase", "SUPABASE_WEBHOOK_SECRET", (s: string) => s.replace(/^v1,/, "")],
		// Polar's SDK hands the base64 of its secret to standardwebhooks.
		["polar", "POLAR_WEBHOOK_SECRET", (s: string) => Buffer.from(s, "utf8").toString("base64")],
	] as const)("%s: standardwebhooks verifies it", async (kind, name, keyOf) => {
		const delivery = await signDelivery(kind, body, { secret: secret(name) });
		const webhook = new StandardWebhook(keyOf(secret(name)));
		expect(webhook.verify(delivery.body, delivery.headers)).toMatchObject({ type: "user.created" });
		expect(() => webhook.verify(tamper(delivery.body), delivery.headers)).toThrow();
	});

	it("twilio: validateRequest verifies a form delivery, validateRequestWithBody a JSON one", async () => {
		const token = secret("TWILIO_AUTH_TOKEN");
		const form = "MessageSid=SM1&MessageStatus=delivered&To=%2B15558675310&AccountSid=AC1";
		const delivery = await signDelivery("twilio", form, { secret: token });
		const params = Object.fromEntries(new URLSearchParams(form));
		const signature = delivery.headers["x-twilio-signature"] ?? "";
		expect(validateRequest(token, signature, defaultUrl("twilio"), params)).toBe(true);
		expect(validateRequest(token, signature, defaultUrl("twilio"), { ...params, MessageStatus: "failed" })).toBe(false);
		// The JSON variant signs the URL carrying the body's hash (sign.ts
		// signs forms only; the preset's JSON path is checked against this).
		const { getExpectedBodyHash, getExpectedTwilioSignature } = await import("twilio/lib/webhooks/webhooks");
		const url = `${defaultUrl("twilio")}?bodySHA256=${getExpectedBodyHash(body)}`;
		expect(validateRequestWithBody(token, getExpectedTwilioSignature(token, url, {}), url, body)).toBe(true);
	});

	it("paddle: the Paddle SDK verifies it", async () => {
		const key = secret("PADDLE_WEBHOOK_SECRET");
		const delivery = await signDelivery("paddle", body, { secret: key, timestamp: now() });
		const webhooks = new Paddle("pdl_sdbx_apikey_dev").webhooks;
		expect(await webhooks.isSignatureValid(delivery.body, key, delivery.headers["paddle-signature"] ?? "")).toBe(true);
		expect(await webhooks.isSignatureValid(tamper(delivery.body), key, delivery.headers["paddle-signature"] ?? "")).toBe(false);
	});

	it("razorpay: validateWebhookSignature verifies it", async () => {
		const key = secret("RAZORPAY_WEBHOOK_SECRET");
		const delivery = await signDelivery("razorpay", body, { secret: key });
		const signature = delivery.headers["x-razorpay-signature"] ?? "";
		expect(Razorpay.validateWebhookSignature(delivery.body, signature, key)).toBe(true);
		expect(Razorpay.validateWebhookSignature(tamper(delivery.body), signature, key)).toBe(false);
	});

	it("workos: the SDK's verifyHeader (what constructEvent runs) verifies it", async () => {
		const key = secret("WORKOS_WEBHOOK_SECRET");
		const delivery = await signDelivery("workos", body, { secret: key });
		const webhooks = new WorkOS("sk_test_dev").webhooks;
		const sigHeader = delivery.headers["workos-signature"] ?? "";
		await expect(webhooks.verifyHeader({ payload: JSON.parse(delivery.body), sigHeader, secret: key })).resolves.toBe(true);
		await expect(webhooks.verifyHeader({ payload: JSON.parse(tamper(delivery.body)), sigHeader, secret: key })).rejects.toThrow();
	});

	it("sendgrid: @sendgrid/eventwebhook verifies it with the dev public key", async () => {
		const delivery = await signDelivery("sendgrid", body, { secret: DEV_SIGNING_KEYS.sendgrid });
		const ew = new EventWebhook();
		const key = ew.convertPublicKeyToECDSA(secret("SENDGRID_WEBHOOK_PUBLIC_KEY"));
		const signature = delivery.headers["x-twilio-email-event-webhook-signature"] ?? "";
		const timestamp = delivery.headers["x-twilio-email-event-webhook-timestamp"] ?? "";
		expect(ew.verifySignature(key, delivery.body, signature, timestamp)).toBe(true);
		expect(ew.verifySignature(key, tamper(delivery.body), signature, timestamp)).toBe(false);
	});

	it("discord: discord-interactions verifies it with the dev public key", async () => {
		const delivery = await signDelivery("discord", body, { secret: DEV_SIGNING_KEYS.discord });
		const signature = delivery.headers["x-signature-ed25519"] ?? "";
		const timestamp = delivery.headers["x-signature-timestamp"] ?? "";
		expect(await verifyKey(delivery.body, signature, timestamp, secret("DISCORD_PUBLIC_KEY"))).toBe(true);
		expect(await verifyKey(tamper(delivery.body), signature, timestamp, secret("DISCORD_PUBLIC_KEY"))).toBe(false);
	});
});

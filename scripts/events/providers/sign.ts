// Signs a delivery the way each provider does, with the provider's own
// library where it can sign (stripe, @octokit/webhooks-methods,
// standardwebhooks, svix, twilio); the others' HMACs come from node:crypto
// and their Ed25519/ECDSA signatures from Web Crypto, and
// providers-libraries.test.ts checks every one of those against the
// provider's own verifier where npm has one (@paddle/paddle-node-sdk,
// razorpay, @sendgrid/eventwebhook, discord-interactions, @workos-inc/node).
// The Worker's code (src/sources) only ever verifies: the two sides of a
// scheme never come from the same code.
//
// One copy for the event generator and the tests: test/support/providers.ts
// wraps this with the Worker's own secrets (scripts/ never imports test/).
import { createHash, createHmac } from "node:crypto";
import { sign as signGithub } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { Webhook as SvixWebhook } from "svix";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks";
import type { PresetKind } from "../../../src/sources/presets";
import { DEV_SIGNING_KEYS } from "./dev-keys";

export type ProviderKind = PresetKind;

export interface Delivery {
	// The raw body, sent exactly as signed.
	body: string;
	headers: Record<string, string>;
}

export interface SignOptions {
	secret: string;
	// Unix seconds the signature claims (default now); schemes that sign no
	// timestamp (GitHub, Shopify) ignore it, apart from Shopify's triggered-at.
	timestamp?: number;
	// The provider's identity headers (event name, delivery / event / message
	// id, topic); they replace the defaults below and are sent as given.
	headers?: Record<string, string>;
	// The URL the delivery is posted to, for schemes that sign it (Square,
	// Twilio, HubSpot).
	url?: string;
}

const hmacHex = (algorithm: string, secret: string, data: string) => createHmac(algorithm, secret).update(data, "utf8").digest("hex");
const hmacBase64 = (algorithm: string, secret: string, data: string) => createHmac(algorithm, secret).update(data, "utf8").digest("base64");
const base64 = (bytes: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

// A Web Crypto ECDSA signature (r‖s) as the DER SendGrid sends.
function p1363ToDer(raw: Uint8Array): Uint8Array {
	const int = (bytes: Uint8Array) => {
		let at = 0;
		while (at < bytes.length - 1 && bytes[at] === 0) at++;
		const trimmed = bytes.subarray(at);
		const padded = (trimmed[0] ?? 0) & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed;
		return Uint8Array.of(0x02, padded.length, ...padded);
	};
	const body = Uint8Array.of(...int(raw.subarray(0, 32)), ...int(raw.subarray(32)));
	return Uint8Array.of(0x30, body.length, ...body);
}

// The signing key for a kind verified with a public key: the dev key pair
// (./dev-keys.ts) unless a PKCS#8 key is given.
async function privateKey(kind: "discord" | "sendgrid", secret: string) {
	const pkcs8 = fromBase64(/^[A-Za-z0-9+/=]{40,}$/.test(secret) && secret.startsWith("M") ? secret : DEV_SIGNING_KEYS[kind]);
	const algorithm = kind === "discord" ? { name: "Ed25519" } : { name: "ECDSA", namedCurve: "P-256" };
	return crypto.subtle.importKey("pkcs8", pkcs8, algorithm, false, ["sign"]);
}

// The request URL a test or the generator posts to, when none is given.
export const defaultUrl = (kind: string) => `https://localhost/webhook/${kind}`;

// Stripe's Web Crypto provider runs in Node and in workerd alike.
const stripeCrypto = Stripe.createSubtleCryptoProvider();
const nowSeconds = () => Math.floor(Date.now() / 1000);

// The delivery with its signature headers. Without identity headers GitHub
// gets a push with a fresh delivery id, Shopify a customers/create with a
// fresh event id and Standard Webhooks a fresh message id.
export async function signDelivery(kind: ProviderKind, body: string, options: SignOptions): Promise<Delivery> {
	const { secret } = options;
	const timestamp = options.timestamp ?? nowSeconds();
	const given = options.headers ?? {};
	const headers: Record<string, string> = { "content-type": "application/json" };
	switch (kind) {
		case "stripe":
			headers["stripe-signature"] = await Stripe.webhooks.generateTestHeaderStringAsync({
				payload: body,
				secret,
				timestamp,
				cryptoProvider: stripeCrypto,
			});
			break;
		case "github":
			headers["x-hub-signature-256"] = await signGithub(secret, body);
			headers["x-github-event"] = "push";
			headers["x-github-delivery"] = crypto.randomUUID();
			break;
		case "shopify":
			headers["x-shopify-hmac-sha256"] = createHmac("sha256", secret).update(body, "utf8").digest("base64");
			headers["x-shopify-topic"] = "customers/create";
			headers["x-shopify-event-id"] = crypto.randomUUID();
			headers["x-shopify-triggered-at"] = new Date(timestamp * 1000).toISOString();
			break;
		case "slack":
			headers["x-slack-request-timestamp"] = String(timestamp);
			headers["x-slack-signature"] = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`, "utf8").digest("hex")}`;
			break;
		case "standard":
		case "openai":
		case "supabase":
		case "polar": {
			// The message id is part of what is signed.
			const id = given["webhook-id"] ?? `msg_${crypto.randomUUID()}`;
			// Supabase shows "v1,whsec_…"; Polar's SDK base64-encodes its secret.
			const key = kind === "polar" ? btoa(secret) : secret.replace(/^v1,/, "");
			headers["webhook-id"] = id;
			headers["webhook-timestamp"] = String(timestamp);
			headers["webhook-signature"] = new Webhook(key).sign(id, new Date(timestamp * 1000), body);
			break;
		}
		case "clerk":
		case "resend": {
			const id = given["svix-id"] ?? `msg_${crypto.randomUUID()}`;
			headers["svix-id"] = id;
			headers["svix-timestamp"] = String(timestamp);
			headers["svix-signature"] = new SvixWebhook(secret).sign(id, new Date(timestamp * 1000), body);
			break;
		}
		case "workos": {
			const ms = timestamp * 1000;
			headers["workos-signature"] = `t=${ms}, v1=${hmacHex("sha256", secret, `${ms}.${body}`)}`;
			break;
		}
		case "paddle":
			headers["paddle-signature"] = `ts=${timestamp};h1=${hmacHex("sha256", secret, `${timestamp}:${body}`)}`;
			break;
		case "lemonsqueezy":
			headers["x-signature"] = hmacHex("sha256", secret, body);
			headers["x-event-name"] = (JSON.parse(body) as { meta?: { event_name?: string } }).meta?.event_name ?? "order_created";
			break;
		case "chargebee":
		case "postmark":
			headers.authorization = `Basic ${btoa(secret)}`;
			break;
		case "recurly": {
			const ms = timestamp * 1000;
			headers["recurly-signature"] = `${ms},${hmacHex("sha256", secret, `${ms}.${body}`)}`;
			break;
		}
		case "razorpay":
			headers["x-razorpay-signature"] = hmacHex("sha256", secret, body);
			headers["x-razorpay-event-id"] = `${crypto.randomUUID().replaceAll("-", "").slice(0, 14)}`;
			break;
		case "paystack":
			headers["x-paystack-signature"] = hmacHex("sha512", secret, body);
			break;
		case "square":
			headers["x-square-hmacsha256-signature"] = hmacBase64("sha256", secret, `${options.url ?? defaultUrl(kind)}${body}`);
			break;
		case "twilio": {
			// A form body (status callbacks, incoming messages).
			const params = Object.fromEntries(new URLSearchParams(body));
			headers["content-type"] = "application/x-www-form-urlencoded";
			headers["x-twilio-signature"] = getExpectedTwilioSignature(secret, options.url ?? defaultUrl(kind), params);
			headers["i-twilio-idempotency-token"] = crypto.randomUUID();
			break;
		}
		case "sendgrid": {
			const key = await privateKey("sendgrid", secret);
			const raw = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, new TextEncoder().encode(`${timestamp}${body}`));
			headers["x-twilio-email-event-webhook-timestamp"] = String(timestamp);
			headers["x-twilio-email-event-webhook-signature"] = base64(p1363ToDer(new Uint8Array(raw)).buffer as ArrayBuffer);
			break;
		}
		case "discord": {
			const key = await privateKey("discord", secret);
			const raw = await crypto.subtle.sign({ name: "Ed25519" }, key, new TextEncoder().encode(`${timestamp}${body}`));
			headers["x-signature-timestamp"] = String(timestamp);
			headers["x-signature-ed25519"] = [...new Uint8Array(raw)].map((b) => b.toString(16).padStart(2, "0")).join("");
			break;
		}
		case "mailgun":
			// The signature lives in the body: added when missing (see signMailgun).
			return { body: signMailgun(body, secret, options.timestamp), headers: { ...headers, ...given } };
		case "linear":
			headers["linear-signature"] = hmacHex("sha256", secret, body);
			headers["linear-delivery"] = crypto.randomUUID();
			headers["linear-event"] = (JSON.parse(body) as { type?: string }).type ?? "Issue";
			break;
		case "intercom":
			headers["x-hub-signature"] = `sha1=${hmacHex("sha1", secret, body)}`;
			break;
		case "vercel":
			headers["x-vercel-signature"] = hmacHex("sha1", secret, body);
			break;
		case "segment":
			headers["x-signature"] = hmacHex("sha1", secret, body);
			break;
		case "hubspot": {
			const ms = String(timestamp * 1000);
			headers["x-hubspot-request-timestamp"] = ms;
			headers["x-hubspot-signature-v3"] = hmacBase64("sha256", secret, `POST${options.url ?? defaultUrl(kind)}${body}${ms}`);
			break;
		}
		case "zoom":
			headers["x-zm-request-timestamp"] = String(timestamp);
			headers["x-zm-signature"] = `v0=${hmacHex("sha256", secret, `v0:${timestamp}:${body}`)}`;
			break;
		case "typeform":
			headers["typeform-signature"] = `sha256=${hmacBase64("sha256", secret, body)}`;
			break;
		case "calendly":
			headers["calendly-webhook-signature"] = `t=${timestamp},v1=${hmacHex("sha256", secret, `${timestamp}.${body}`)}`;
			break;
		case "gitlab":
			headers["x-gitlab-token"] = secret;
			headers["x-gitlab-event"] = "Push Hook";
			headers["x-gitlab-event-uuid"] = crypto.randomUUID();
			break;
		case "bitbucket":
			headers["x-hub-signature"] = `sha256=${hmacHex("sha256", secret, body)}`;
			headers["x-event-key"] = "repo:push";
			headers["x-request-uuid"] = crypto.randomUUID();
			break;
		case "twitch": {
			const id = given["twitch-eventsub-message-id"] ?? crypto.randomUUID();
			const at = new Date(timestamp * 1000).toISOString().replace("Z", "123456Z");
			headers["twitch-eventsub-message-id"] = id;
			headers["twitch-eventsub-message-timestamp"] = at;
			headers["twitch-eventsub-message-type"] = "notification";
			headers["twitch-eventsub-message-signature"] = `sha256=${hmacHex("sha256", secret, `${id}${at}${body}`)}`;
			break;
		}
	}
	return { body, headers: { ...headers, ...given } };
}

// Mailgun signs inside the body: the event data wrapped with its signature
// object (timestamp, token, hex HMAC-SHA256 of timestamp + token).
export function mailgunBody(eventData: Record<string, unknown>, secret: string, timestamp = nowSeconds()): string {
	const token = createHash("sha256").update(crypto.randomUUID()).digest("hex").slice(0, 50);
	const signature = hmacHex("sha256", secret, `${timestamp}${token}`);
	return JSON.stringify({ signature: { timestamp: String(timestamp), token, signature }, "event-data": eventData });
}

// Signs a Mailgun body that has no signature object yet. The timestamp is
// the event's own (unless given) and the token derives from the body, so
// signing the same event twice gives the same bytes, as Mailgun's retry of
// one POST does.
export function signMailgun(body: string, secret: string, timestamp?: number): string {
	const parsed = JSON.parse(body) as { signature?: unknown; "event-data"?: { timestamp?: number } };
	if (parsed.signature !== undefined) return body;
	const at = timestamp ?? Math.floor(parsed["event-data"]?.timestamp ?? nowSeconds());
	const token = createHash("sha256").update(body).digest("hex").slice(0, 50);
	return JSON.stringify({ signature: { timestamp: String(at), token, signature: hmacHex("sha256", secret, `${at}${token}`) }, ...parsed });
}

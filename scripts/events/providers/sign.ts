// Signs a delivery the way each provider does, with the provider's own
// library where npm has one (stripe, @octokit/webhooks-methods,
// standardwebhooks); Shopify and Slack publish no signing library, so their
// HMAC comes from node:crypto. The Worker's code (src/sources) only ever
// verifies: the two sides of a scheme never come from the same code.
//
// One copy for the event generator and the tests: test/support/providers.ts
// wraps this with the Worker's own secrets (scripts/ never imports test/).
import { createHmac } from "node:crypto";
import { sign as signGithub } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import type { PresetKind } from "../../../src/sources/presets";

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
}

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
		case "standard": {
			// The message id is part of what is signed.
			const id = given["webhook-id"] ?? `msg_${crypto.randomUUID()}`;
			headers["webhook-id"] = id;
			headers["webhook-timestamp"] = String(timestamp);
			headers["webhook-signature"] = new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
			break;
		}
	}
	return { body, headers: { ...headers, ...given } };
}

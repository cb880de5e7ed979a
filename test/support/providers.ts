// Signed deliveries as each provider sends them, signed by the provider's own
// library where npm has one (stripe, @octokit/webhooks-methods,
// standardwebhooks); Shopify and Slack publish no signing library, so their
// HMAC comes from node:crypto. Our code only ever verifies.

import { env } from "cloudflare:workers";
import { createHmac } from "node:crypto";
import { sign as signGithub } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";

export type ProviderKind = "stripe" | "github" | "shopify" | "slack" | "standard";

export interface Delivery {
	body: string;
	headers: Record<string, string>;
}

const stripeCrypto = Stripe.createSubtleCryptoProvider();
const nowSeconds = () => Math.floor(Date.now() / 1000);

export const SECRETS: Record<ProviderKind, () => string> = {
	stripe: () => env.STRIPE_WEBHOOK_SECRET,
	github: () => env.GITHUB_WEBHOOK_SECRET,
	shopify: () => env.SHOPIFY_WEBHOOK_SECRET,
	slack: () => env.SLACK_SIGNING_SECRET,
	standard: () => env.STANDARD_WEBHOOK_SECRET,
};

export interface SignOptions {
	secret?: string;
	// Unix seconds the signature claims (stale-timestamp tests).
	timestamp?: number;
	// Extra or replacing headers (ids, topics, event names).
	headers?: Record<string, string>;
}

export async function signDelivery(kind: ProviderKind, body: string, options: SignOptions = {}): Promise<Delivery> {
	const secret = options.secret ?? SECRETS[kind]();
	const timestamp = options.timestamp ?? nowSeconds();
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
			const id = options.headers?.["webhook-id"] ?? `msg_${crypto.randomUUID()}`;
			const at = new Date(timestamp * 1000);
			headers["webhook-id"] = id;
			headers["webhook-timestamp"] = String(timestamp);
			headers["webhook-signature"] = new Webhook(secret).sign(id, at, body);
			break;
		}
	}
	return { body, headers: { ...headers, ...options.headers } };
}

export function deliveryRequest(source: string, delivery: Delivery, extraHeaders: Record<string, string> = {}): Request {
	return new Request(`https://pipeline.test/webhook/${source}`, {
		method: "POST",
		headers: { ...delivery.headers, ...extraHeaders },
		body: delivery.body,
	});
}

// One realistic event per provider, with a fresh id each call.
export function sampleBody(kind: ProviderKind, overrides: Record<string, unknown> = {}): string {
	const id = crypto.randomUUID().replaceAll("-", "").slice(0, 24);
	const bodies: Record<ProviderKind, Record<string, unknown>> = {
		stripe: {
			id: `evt_${id}`,
			object: "event",
			type: "customer.created",
			created: nowSeconds(),
			data: { object: { id: `cus_${id}`, object: "customer", email: "ada@example.com" } },
		},
		github: { ref: "refs/heads/main", repository: { full_name: "acme/app" }, sender: { login: "octocat" } },
		shopify: {
			id: 7_000_000 + Number.parseInt(id.slice(0, 6), 16),
			email: "grace@example.com",
			admin_graphql_api_id: `gid://shopify/Customer/${id}`,
		},
		slack: {
			token: "unused",
			team_id: "T1",
			type: "event_callback",
			event_id: `Ev${id}`,
			event_time: nowSeconds(),
			event: { type: "message", text: "hello", user: "U1", channel: "C1" },
		},
		standard: { type: "invoice.paid", timestamp: new Date().toISOString(), data: { id: `inv_${id}` } },
	};
	return JSON.stringify({ ...bodies[kind], ...overrides });
}

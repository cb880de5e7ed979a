// Signed deliveries as each provider sends them, signed by the provider's own
// library where npm has one; the signing itself lives in
// scripts/events/providers/sign.ts (shared with the event generator). Here it
// is keyed with the Worker's own secrets from .dev.vars.

import { env } from "cloudflare:workers";
import { type Delivery, type ProviderKind, signDelivery as signWith } from "../../scripts/events/providers/sign";

export type { Delivery, ProviderKind };

const nowSeconds = () => Math.floor(Date.now() / 1000);

export const SECRETS: Record<ProviderKind, () => string> = {
	stripe: () => env.STRIPE_WEBHOOK_SECRET,
	github: () => env.GITHUB_WEBHOOK_SECRET,
	shopify: () => env.SHOPIFY_WEBHOOK_SECRET,
	slack: () => env.SLACK_SIGNING_SECRET,
	standard: () => env.STANDARD_WEBHOOK_SECRET,
};

export interface SignOptions {
	// Default: the Worker's secret for the kind.
	secret?: string;
	// Unix seconds the signature claims (stale-timestamp tests).
	timestamp?: number;
	// Extra or replacing headers (ids, topics, event names).
	headers?: Record<string, string>;
}

export function signDelivery(kind: ProviderKind, body: string, options: SignOptions = {}): Promise<Delivery> {
	return signWith(kind, body, { ...options, secret: options.secret ?? SECRETS[kind]() });
}

export function deliveryRequest(source: string, delivery: Delivery, extraHeaders: Record<string, string> = {}): Request {
	return new Request(`https://localhost/webhook/${source}`, {
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
		github: { ref: "refs/heads/main", after: id, repository: { full_name: "acme/app" }, sender: { login: "octocat" } },
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

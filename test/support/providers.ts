// Signed deliveries as each provider sends them, signed by the provider's own
// library where npm has one; the signing itself lives in
// scripts/events/providers/sign.ts (shared with the event generator). Here it
// is keyed with the Worker's own secrets from .dev.vars.

import { env } from "cloudflare:workers";
import { DEV_SIGNING_KEYS } from "../../scripts/events/providers/dev-keys";
import { type Delivery, mailgunBody, type ProviderKind, signDelivery as signWith } from "../../scripts/events/providers/sign";
import { PRESET_INFO, PRESET_KINDS } from "../../src/sources/presets";

export type { Delivery, ProviderKind };

const nowSeconds = () => Math.floor(Date.now() / 1000);
const vars = env as unknown as Record<string, string>;

// The secret each kind's default source verifies with (its PRESET_INFO var).
export const SECRETS = Object.fromEntries(PRESET_KINDS.map((kind) => [kind, () => vars[PRESET_INFO[kind].secretVar] ?? ""])) as Record<
	ProviderKind,
	() => string
>;

// What signs: the secret itself, or for the public-key schemes the dev
// private key whose public half the Worker holds.
const signingSecret = (kind: ProviderKind) => (kind === "discord" || kind === "sendgrid" ? DEV_SIGNING_KEYS[kind] : SECRETS[kind]());

export interface SignOptions {
	// Default: the Worker's secret for the kind.
	secret?: string;
	// Unix seconds the signature claims (stale-timestamp tests).
	timestamp?: number;
	// Extra or replacing headers (ids, topics, event names).
	headers?: Record<string, string>;
	// The URL posted to (default https://localhost/webhook/<kind>).
	url?: string;
}

export function signDelivery(kind: ProviderKind, body: string, options: SignOptions = {}): Promise<Delivery> {
	return signWith(kind, body, { ...options, secret: options.secret ?? signingSecret(kind) });
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
	const iso = new Date().toISOString();
	if (kind === "twilio") {
		const form = new URLSearchParams({
			AccountSid: "ACdevdevdevdevdevdevdevdevdevdevde",
			MessageSid: `SM${id}`,
			MessageStatus: "delivered",
			To: "+15558675310",
			From: "+15017122661",
			...(overrides as Record<string, string>),
		});
		return form.toString();
	}
	if (kind === "mailgun") {
		return mailgunBody(
			{ id: `mg-${id}`, event: "delivered", timestamp: nowSeconds() + 0.5, recipient: "ada@example.com", ...overrides },
			SECRETS.mailgun(),
		);
	}
	const bodies: Record<Exclude<ProviderKind, "twilio" | "mailgun">, unknown> = {
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
		standard: { type: "invoice.paid", timestamp: iso, data: { id: `inv_${id}` } },
		clerk: { type: "session.created", object: "event", timestamp: Date.now(), data: { id: `sess_${id}`, user_id: `user_${id}` } },
		resend: { type: "email.delivered", created_at: iso, data: { email_id: id, to: ["ada@example.com"] } },
		openai: { object: "event", id: `evt_${id}`, type: "batch.completed", created_at: nowSeconds(), data: { id: `batch_${id}` } },
		polar: { type: "order.paid", timestamp: iso, data: { id, amount: 4900, currency: "usd" } },
		supabase: { user: { id, email: "ada@example.com" }, email_data: { email_action_type: "recovery", token_hash: id } },
		workos: { id: `event_${id}`, event: "session.created", created_at: iso, data: { id: `session_${id}`, user_id: `user_${id}` } },
		paddle: {
			event_id: `evt_${id}`,
			event_type: "customer.created",
			occurred_at: iso,
			notification_id: `ntf_${id}`,
			data: { id: `ctm_${id}` },
		},
		lemonsqueezy: { meta: { event_name: "order_created" }, data: { type: "orders", id, attributes: { updated_at: iso, total: 4900 } } },
		chargebee: {
			id: `ev_${id}`,
			occurred_at: nowSeconds(),
			object: "event",
			event_type: "customer_created",
			content: { customer: { id: `cus_${id}` } },
		},
		postmark: { RecordType: "Delivery", MessageID: id, Recipient: "ada@example.com", DeliveredAt: iso },
		recurly: { id, object_type: "account", site_id: "dev", event_type: "created", event_time: iso },
		razorpay: {
			entity: "event",
			account_id: "acc_dev",
			event: "order.paid",
			contains: ["order"],
			payload: { order: { entity: { id: `order_${id}` } } },
			created_at: nowSeconds(),
		},
		paystack: { event: "charge.success", data: { id: Number.parseInt(id.slice(0, 8), 16), reference: id, amount: 50000, currency: "NGN" } },
		square: {
			merchant_id: "ML_dev",
			type: "payment.updated",
			event_id: crypto.randomUUID(),
			created_at: iso,
			data: { type: "payment", id },
		},
		sendgrid: [{ email: "ada@example.com", timestamp: nowSeconds(), event: "delivered", sg_event_id: id, sg_message_id: `${id}.filter` }],
		discord: {
			version: 1,
			application_id: "1234567890",
			type: 1,
			event: { type: "APPLICATION_AUTHORIZED", timestamp: iso, data: { user: { id } } },
		},
		linear: {
			action: "create",
			type: "Issue",
			createdAt: iso,
			data: { id, title: "Retry docs" },
			webhookTimestamp: Date.now(),
			webhookId: id,
		},
		intercom: {
			type: "notification_event",
			id: `notif_${id}`,
			topic: "contact.user.created",
			created_at: nowSeconds(),
			data: { item: { id } },
		},
		vercel: { id: `evt_${id}`, type: "deployment.succeeded", createdAt: Date.now(), payload: { deployment: { id: `dpl_${id}` } } },
		segment: { type: "track", event: "Order Completed", messageId: `msg-${id}`, timestamp: iso, userId: `u_${id}` },
		hubspot: [
			{
				eventId: Number.parseInt(id.slice(0, 8), 16),
				subscriptionType: "contact.creation",
				objectId: 123,
				occurredAt: Date.now(),
				portalId: 62515,
			},
		],
		zoom: { event: "meeting.started", event_ts: Date.now(), payload: { account_id: "dev", object: { id } } },
		typeform: { event_id: id, event_type: "form_response", form_response: { form_id: "dev", submitted_at: iso, token: id } },
		calendly: {
			event: "invitee.created",
			created_at: iso,
			created_by: "https://api.calendly.com/users/dev",
			payload: { uri: `https://api.calendly.com/invitees/${id}` },
		},
		gitlab: { object_kind: "push", ref: "refs/heads/main", checkout_sha: id, project: { path_with_namespace: "acme/app" } },
		bitbucket: { push: { changes: [] }, repository: { full_name: "acme/app" }, actor: { nickname: id } },
		twitch: {
			subscription: { id, type: "channel.follow", version: "2", status: "enabled" },
			event: { user_id: id, broadcaster_user_id: "1337" },
		},
	};
	const body = bodies[kind];
	return JSON.stringify(Array.isArray(body) ? body : { ...(body as object), ...overrides });
}

// The delivery with the part its scheme authenticates changed: the body for
// a signature over it; the signature object for Mailgun (whose signature
// covers timestamp + token, not the event); the credential for schemes that
// only send a shared secret (Basic auth, GitLab's token).
export function tampered(kind: ProviderKind, delivery: Delivery): Delivery {
	const headers = { ...delivery.headers };
	if (kind === "chargebee" || kind === "postmark")
		return { ...delivery, headers: { ...headers, authorization: `Basic ${btoa("intruder:guess")}` } };
	if (kind === "gitlab") return { ...delivery, headers: { ...headers, "x-gitlab-token": `${headers["x-gitlab-token"]}x` } };
	if (kind === "twilio") return { ...delivery, body: `${delivery.body}&Tampered=1` };
	if (kind === "mailgun")
		return { ...delivery, body: delivery.body.replace(/"token":"(.)/, (_m, c: string) => `"token":"${c === "a" ? "b" : "a"}`) };
	const at = delivery.body.lastIndexOf("}");
	return { ...delivery, body: `${delivery.body.slice(0, at)},"tampered":true${delivery.body.slice(at)}` };
}

// The providers scenario's deliveries from every preset beyond the first
// five: one realistic event each (the mapped ones from the payloads in
// src/sources/fixtures/billing.ts), with this run's ids. Pure, like
// ./deliveries.ts: the run id and the clock come in, nothing is sent.
import { createHash } from "node:crypto";
import {
	chargebeePaymentFailed,
	chargebeeSubscriptionCreated,
	clerkUserCreated,
	paddleSubscriptionCreated,
	paddleTransactionPaymentFailed,
	paystackInvoicePaymentFailed,
	razorpayPaymentFailed,
	workosUserCreated,
} from "../../../src/sources/fixtures/billing";
import { landingOf, type PlannedControl, type PlannedDelivery, storedIdOf } from "./deliveries";
import type { ProviderKind } from "./sign";

const digest = (runId: string, name: string) => createHash("sha256").update(`${runId}/${name}`).digest("hex");
const tok = (runId: string, name: string, length = 24) => digest(runId, name).slice(0, length);
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
function uuid(runId: string, name: string): string {
	const h = digest(runId, name);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
const iso = (s: number) => new Date(s * 1000).toISOString();

interface Spec {
	kind: ProviderKind;
	type: string;
	body: unknown;
	// The provider's id: a header it sends (and its value), a body field's
	// value, or, when it sends none, the body's sha256.
	idHeader?: [string, string];
	bodyId?: string;
	headers?: Record<string, string>;
}

function planned(spec: Spec): PlannedDelivery {
	const body = typeof spec.body === "string" ? spec.body : JSON.stringify(spec.body);
	const providerId = spec.idHeader?.[1] ?? spec.bodyId ?? sha256(body);
	return {
		label: `${spec.kind} ${spec.type}`,
		kind: spec.kind,
		source: spec.kind,
		providerId,
		providerType: spec.type,
		body,
		headers: { ...(spec.idHeader ? { [spec.idHeader[0]]: spec.idHeader[1] } : {}), ...spec.headers },
		retryHeaders: {},
		storedId: storedIdOf(spec.kind, providerId),
		landing: landingOf(spec.kind, spec.type),
	};
}

export function moreProviderDeliveries(runId: string, nowS: number): PlannedDelivery[] {
	const t = (name: string, length?: number) => tok(runId, name, length);
	const user = `user_${t("auth-user", 27)}`;
	const clerk = structuredClone(clerkUserCreated);
	clerk.data.id = user;
	clerk.data.email_addresses[0]!.email_address = `ada+${t("clerk-email", 8)}@example.com`;
	clerk.timestamp = (nowS - 120) * 1000;
	const workos = structuredClone(workosUserCreated);
	workos.id = `event_${t("workos-event", 26).toUpperCase()}`;
	workos.data.id = `user_${t("workos-user", 26).toUpperCase()}`;
	workos.created_at = iso(nowS - 110);
	const sub = `sub_${t("paddle-sub", 26)}`;
	const paddleSub = structuredClone(paddleSubscriptionCreated);
	paddleSub.event_id = `evt_${t("paddle-sub-event", 26)}`;
	paddleSub.data.id = sub;
	paddleSub.occurred_at = iso(nowS - 100);
	const paddleFailed = structuredClone(paddleTransactionPaymentFailed);
	paddleFailed.event_id = `evt_${t("paddle-txn-event", 26)}`;
	paddleFailed.data.id = `txn_${t("paddle-txn", 26)}`;
	paddleFailed.data.subscription_id = sub;
	paddleFailed.occurred_at = iso(nowS - 30);
	const razorpay = structuredClone(razorpayPaymentFailed);
	razorpay.payload.payment.entity.id = `pay_${t("rzp-pay", 14)}`;
	razorpay.payload.payment.entity.order_id = `order_${t("rzp-order", 14)}`;
	razorpay.created_at = nowS - 25;
	const paystack = structuredClone(paystackInvoicePaymentFailed);
	paystack.data.invoice_code = `INV_${t("paystack-invoice", 15)}`;
	paystack.data.created_at = iso(nowS - 24);
	const cbSub = structuredClone(chargebeeSubscriptionCreated);
	cbSub.id = `ev_${t("cb-sub-event", 16)}`;
	cbSub.content.subscription.id = `cb_${t("cb-sub", 14)}`;
	cbSub.occurred_at = nowS - 90;
	const cbFailed = structuredClone(chargebeePaymentFailed);
	cbFailed.id = `ev_${t("cb-failed-event", 16)}`;
	cbFailed.content.invoice.id = `inv_${t("cb-invoice", 8)}`;
	cbFailed.occurred_at = nowS - 20;
	const specs: Spec[] = [
		{ kind: "clerk", type: "user.created", body: clerk, idHeader: ["svix-id", `msg_${t("clerk-msg", 27)}`] },
		{ kind: "workos", type: "user.created", body: workos, bodyId: workos.id },
		{ kind: "paddle", type: "subscription.created", body: paddleSub, bodyId: paddleSub.event_id },
		{ kind: "paddle", type: "transaction.payment_failed", body: paddleFailed, bodyId: paddleFailed.event_id },
		{ kind: "razorpay", type: "payment.failed", body: razorpay, idHeader: ["x-razorpay-event-id", t("rzp-event", 14)] },
		{ kind: "paystack", type: "invoice.payment_failed", body: paystack },
		{ kind: "chargebee", type: "subscription_created", body: cbSub, bodyId: cbSub.id },
		{ kind: "chargebee", type: "payment_failed", body: cbFailed, bodyId: cbFailed.id },
		{
			kind: "resend",
			type: "email.bounced",
			body: {
				type: "email.bounced",
				created_at: iso(nowS - 60),
				data: { email_id: uuid(runId, "resend-email"), to: ["bounce@example.com"] },
			},
			idHeader: ["svix-id", `msg_${t("resend-msg", 27)}`],
		},
		{
			kind: "openai",
			type: "batch.completed",
			body: {
				object: "event",
				id: `evt_${t("openai-event")}`,
				type: "batch.completed",
				created_at: nowS - 50,
				data: { id: `batch_${t("openai-batch")}` },
			},
			idHeader: ["webhook-id", `wh_${t("openai-msg")}`],
		},
		{
			kind: "polar",
			type: "order.paid",
			body: { type: "order.paid", timestamp: iso(nowS - 45), data: { id: uuid(runId, "polar-order"), amount: 1900, currency: "usd" } },
			idHeader: ["webhook-id", `msg_${t("polar-msg")}`],
		},
		{
			kind: "supabase",
			type: "auth.signup",
			body: {
				user: { id: uuid(runId, "supabase-user"), email: `new+${t("supabase-email", 8)}@example.com` },
				email_data: { email_action_type: "signup", token_hash: t("supabase-token") },
			},
			idHeader: ["webhook-id", `msg_${t("supabase-msg")}`],
		},
		{
			kind: "lemonsqueezy",
			type: "order_created",
			body: {
				meta: { event_name: "order_created" },
				data: {
					type: "orders",
					id: String(parseInt(t("ls-order", 6), 16)),
					attributes: { total: 4900, currency: "USD", updated_at: iso(nowS - 40) },
				},
			},
		},
		{
			kind: "postmark",
			type: "Bounce",
			body: {
				RecordType: "Bounce",
				ID: parseInt(t("pm-bounce", 8), 16),
				Type: "HardBounce",
				MessageID: uuid(runId, "pm-message"),
				Email: "gone@example.com",
				BouncedAt: iso(nowS - 35),
			},
		},
		{
			kind: "recurly",
			type: "subscription.created",
			body: { id: t("recurly-sub", 16), object_type: "subscription", site_id: "dev", event_type: "created", event_time: iso(nowS - 34) },
		},
		{
			kind: "square",
			type: "payment.updated",
			body: {
				merchant_id: "6SSW7HV8K2ST5",
				type: "payment.updated",
				event_id: uuid(runId, "square-event"),
				created_at: iso(nowS - 33),
				data: { type: "payment", id: t("square-payment") },
			},
			bodyId: uuid(runId, "square-event"),
		},
		{
			kind: "twilio",
			type: "message.delivered",
			body: new URLSearchParams({
				AccountSid: `AC${t("twilio-account", 32)}`,
				MessageSid: `SM${t("twilio-msg", 32)}`,
				MessageStatus: "delivered",
				To: "+15558675310",
				From: "+15017122661",
			}).toString(),
			idHeader: ["i-twilio-idempotency-token", uuid(runId, "twilio-idem")],
		},
		{
			kind: "sendgrid",
			type: "delivered",
			body: [
				{
					email: "ada@example.com",
					timestamp: nowS - 32,
					event: "delivered",
					sg_event_id: t("sg-event", 22),
					sg_message_id: `${t("sg-msg", 22)}.filter0001`,
				},
			],
		},
		{
			kind: "mailgun",
			type: "delivered",
			body: { "event-data": { id: t("mg-event", 22), event: "delivered", timestamp: nowS - 31.5, recipient: "ada@example.com" } },
			bodyId: t("mg-event", 22),
		},
		{
			kind: "discord",
			type: "APPLICATION_AUTHORIZED",
			body: {
				version: 1,
				application_id: "1234567890",
				type: 1,
				event: { type: "APPLICATION_AUTHORIZED", timestamp: iso(nowS - 30), data: { user: { id: t("discord-user", 18) } } },
			},
		},
		{
			kind: "linear",
			type: "Issue.create",
			body: {
				action: "create",
				type: "Issue",
				createdAt: iso(nowS - 29),
				data: { id: uuid(runId, "linear-issue"), title: "Webhook retries" },
				webhookTimestamp: (nowS - 1) * 1000,
				webhookId: uuid(runId, "linear-hook"),
			},
			idHeader: ["linear-delivery", uuid(runId, "linear-delivery")],
			headers: { "linear-event": "Issue" },
		},
		{
			kind: "intercom",
			type: "contact.user.created",
			body: {
				type: "notification_event",
				id: `notif_${uuid(runId, "intercom")}`,
				topic: "contact.user.created",
				created_at: nowS - 28,
				data: { item: { type: "contact", id: t("intercom-contact") } },
			},
			bodyId: `notif_${uuid(runId, "intercom")}`,
		},
		{
			kind: "vercel",
			type: "deployment.succeeded",
			body: {
				id: `evt_${t("vercel")}`,
				type: "deployment.succeeded",
				createdAt: (nowS - 27) * 1000,
				payload: { deployment: { id: `dpl_${t("vercel-dpl")}` } },
			},
			bodyId: `evt_${t("vercel")}`,
		},
		{
			kind: "segment",
			type: "track.Order Completed",
			body: {
				type: "track",
				event: "Order Completed",
				messageId: `ajs-${t("segment")}`,
				timestamp: iso(nowS - 26),
				userId: `u_${t("segment-user", 8)}`,
				properties: { revenue: 49 },
			},
			bodyId: `ajs-${t("segment")}`,
		},
		{
			kind: "hubspot",
			type: "contact.creation",
			body: [
				{
					eventId: parseInt(t("hubspot", 8), 16),
					subscriptionId: 1,
					portalId: 62515,
					occurredAt: (nowS - 25) * 1000,
					subscriptionType: "contact.creation",
					attemptNumber: 0,
					objectId: 123,
				},
			],
		},
		{
			kind: "zoom",
			type: "meeting.started",
			body: {
				event: "meeting.started",
				event_ts: (nowS - 24) * 1000,
				payload: { account_id: "dev", object: { id: t("zoom-meeting", 11), topic: "Standup" } },
			},
		},
		{
			kind: "typeform",
			type: "form_response",
			body: {
				event_id: t("typeform", 26),
				event_type: "form_response",
				form_response: { form_id: "lT4Z3j", token: t("typeform-token"), submitted_at: iso(nowS - 23) },
			},
			bodyId: t("typeform", 26),
		},
		{
			kind: "calendly",
			type: "invitee.created",
			body: {
				event: "invitee.created",
				created_at: iso(nowS - 22),
				created_by: "https://api.calendly.com/users/AAAA",
				payload: { uri: `https://api.calendly.com/scheduled_events/${uuid(runId, "cal")}/invitees/${t("cal-invitee")}` },
			},
		},
		{
			kind: "gitlab",
			type: "push",
			body: {
				object_kind: "push",
				ref: "refs/heads/main",
				checkout_sha: t("gitlab-sha", 40),
				project: { path_with_namespace: "acme/app" },
			},
			idHeader: ["x-gitlab-event-uuid", uuid(runId, "gitlab")],
		},
		{
			kind: "bitbucket",
			type: "repo:push",
			body: { push: { changes: [] }, repository: { full_name: "acme/app" }, actor: { nickname: "octo" } },
			idHeader: ["x-request-uuid", uuid(runId, "bitbucket")],
			headers: { "x-event-key": "repo:push" },
		},
		{
			kind: "twitch",
			type: "channel.follow",
			body: {
				subscription: { id: uuid(runId, "twitch-sub"), type: "channel.follow", version: "2", status: "enabled" },
				event: { user_id: t("twitch-user", 8), broadcaster_user_id: "1337" },
			},
			idHeader: ["twitch-eventsub-message-id", uuid(runId, "twitch-msg")],
		},
	];
	return specs.map(planned);
}

// Discord's Interactions PING (sent when the endpoint URL is saved):
// answered {type:1}, never stored.
export function discordPing(runId: string): PlannedControl {
	const marker = tok(runId, "discord-ping-token", 40);
	return {
		label: "discord PING",
		kind: "discord",
		source: "discord",
		body: JSON.stringify({ id: tok(runId, "discord-ping", 18), application_id: "1234567890", type: 1, token: marker, version: 1 }),
		headers: {},
		answer: { type: 1 },
		marker,
	};
}

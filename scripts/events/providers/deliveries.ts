// The providers scenario's traffic, as data: realistic deliveries from every
// preset (bodies and identity headers as each provider sends them, fresh ids
// per run), what each request must be answered, and where each delivery must
// end up in D1. Pure: the run id and the clock come in, nothing is sent.
import { createHash } from "node:crypto";
import { shopifyCustomerCreatedBody, shopifyCustomerCreatedHeaders } from "../../../src/sources/fixtures/shopify";
import {
	stripeCustomerCreated,
	stripeInvoicePaymentFailed,
	stripeSubscriptionCreated,
	stripeSubscriptionDeleted,
	stripeSubscriptionUpdated,
} from "../../../src/sources/fixtures/stripe";
import { getPreset } from "../../../src/sources/presets";
import { discordPing, moreProviderDeliveries } from "./more-deliveries";
import type { ProviderKind } from "./sign";

// Where a delivery must land: processed under its canonical type when its
// preset maps the provider's type, else archived as unhandled under the
// provider's own type.
export interface Landing {
	status: "processed" | "unhandled";
	eventType: string;
}

// One request as its provider sends it, before it is signed.
export interface ProviderRequest {
	label: string;
	kind: ProviderKind;
	// The source it is posted to: POST /webhook/<source> (the default sources
	// are named after their kind).
	source: string;
	// The raw body, sent exactly as signed.
	body: string;
	// Identity headers as the provider sends them; the signature is added at
	// send time, so a retry carries a fresh timestamp like a real one.
	headers: Record<string, string>;
}

export interface PlannedDelivery extends ProviderRequest {
	providerId: string;
	providerType: string;
	// What the provider adds when it sends the delivery again.
	retryHeaders: Record<string, string>;
	// events.event_id: "<source>:<provider id>".
	storedId: string;
	landing: Landing;
}

// A request the Worker answers itself, never queued (Slack's url_verification).
export interface PlannedControl extends ProviderRequest {
	// The exact JSON answer expected.
	answer: Record<string, unknown>;
	// Text only this request carries: a stored row containing it is a stray.
	marker: string;
}

export interface ProviderPlan {
	deliveries: PlannedDelivery[];
	controls: PlannedControl[];
	// A delivery whose body is changed after signing (an amount lowered).
	tampered: { of: PlannedDelivery; body: string };
}

export const storedIdOf = (source: string, providerId: string) => `${source}:${providerId}`;

export function landingOf(kind: ProviderKind, providerType: string): Landing {
	const mappings = getPreset(kind).mappings;
	const rule = Object.hasOwn(mappings, providerType) ? mappings[providerType] : undefined;
	return rule ? { status: "processed", eventType: rule.type } : { status: "unhandled", eventType: providerType };
}

// Deterministic per run and name: ids that look like the provider's own,
// never shared between runs.
const digest = (runId: string, name: string) => createHash("sha256").update(`${runId}/${name}`).digest("hex");
const token = (runId: string, name: string, length: number) => digest(runId, name).slice(0, length);
function uuid(runId: string, name: string): string {
	const h = digest(runId, name);
	const variant = (8 + (Number.parseInt(h[16] ?? "0", 16) & 3)).toString(16);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

function replaceAll(text: string, replacements: Readonly<Record<string, string>>): string {
	let out = text;
	for (const [from, to] of Object.entries(replacements)) out = out.replaceAll(from, to);
	return out;
}

// ---- Stripe: a customer's lifecycle, from signup to cancellation ----------

// The fixture's ids, swapped for this run's.
const STRIPE_IDS = {
	customer: stripeCustomerCreated.data.object.id,
	email: stripeCustomerCreated.data.object.email,
	subscription: stripeSubscriptionCreated.data.object.id,
	invoice: stripeInvoicePaymentFailed.data.object.id,
} as const;

function stripeDeliveries(runId: string, nowS: number): PlannedDelivery[] {
	const ids: Record<string, string> = {
		[STRIPE_IDS.customer]: `cus_${token(runId, "customer", 14)}`,
		[STRIPE_IDS.email]: `jenny.rosen+${token(runId, "email", 8)}@example.com`,
		[STRIPE_IDS.subscription]: `sub_${token(runId, "subscription", 24)}`,
		[STRIPE_IDS.invoice]: `in_${token(runId, "invoice", 24)}`,
	};
	// Signed up three days ago; the renewal invoice failed 40 minutes ago (so
	// the dashboard's default 1-hour window shows it), the subscription went
	// past_due, and it was canceled ten minutes ago.
	const timeline = [
		[stripeCustomerCreated, nowS - 3 * DAY],
		[stripeSubscriptionCreated, nowS - 3 * DAY + 60],
		[stripeInvoicePaymentFailed, nowS - 40 * MINUTE],
		[stripeSubscriptionUpdated, nowS - 40 * MINUTE + 5],
		[stripeSubscriptionDeleted, nowS - 10 * MINUTE],
	] as const;
	return timeline.map(([fixture, created]) => {
		const id = `evt_${token(runId, fixture.type, 24)}`;
		const event = { ...JSON.parse(replaceAll(JSON.stringify(fixture), ids)), id, created };
		return {
			label: `stripe ${fixture.type}`,
			kind: "stripe",
			source: "stripe",
			providerId: id,
			providerType: fixture.type,
			// Stripe sends its events pretty-printed.
			body: JSON.stringify(event, null, 2),
			headers: { "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
			retryHeaders: {},
			storedId: storedIdOf("stripe", id),
			landing: landingOf("stripe", fixture.type),
		};
	});
}

// ---- GitHub: a push ---------------------------------------------------------

function githubPush(runId: string, nowS: number): PlannedDelivery {
	const delivery = uuid(runId, "github-delivery");
	const before = digest(runId, "before").slice(0, 40);
	const after = digest(runId, "after").slice(0, 40);
	const author = { name: "Monalisa Octocat", email: "mona@github.com", username: "octocat" };
	const commit = {
		id: after,
		tree_id: digest(runId, "tree").slice(0, 40),
		distinct: true,
		message: "Fix the webhook retry docs",
		timestamp: new Date((nowS - 30) * 1000).toISOString().replace(".000Z", "Z"),
		url: `https://github.com/octocat/Hello-World/commit/${after}`,
		author,
		committer: author,
		added: [],
		removed: [],
		modified: ["docs/webhooks.md"],
	};
	const body = {
		ref: "refs/heads/main",
		before,
		after,
		repository: {
			id: 1296269,
			node_id: "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
			name: "Hello-World",
			full_name: "octocat/Hello-World",
			private: false,
			owner: { name: "octocat", email: "octocat@github.com", login: "octocat", id: 1, type: "User" },
			html_url: "https://github.com/octocat/Hello-World",
			default_branch: "main",
			pushed_at: nowS - 20,
		},
		pusher: { name: "octocat", email: "octocat@github.com" },
		sender: { login: "octocat", id: 1, node_id: "MDQ6VXNlcjE=", type: "User" },
		created: false,
		deleted: false,
		forced: false,
		base_ref: null,
		compare: `https://github.com/octocat/Hello-World/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
		commits: [commit],
		head_commit: commit,
	};
	return {
		label: "github push",
		kind: "github",
		source: "github",
		providerId: delivery,
		providerType: "push",
		body: JSON.stringify(body),
		headers: {
			"user-agent": "GitHub-Hookshot/044aadd",
			"x-github-event": "push",
			"x-github-delivery": delivery,
			"x-github-hook-id": "292430182",
			"x-github-hook-installation-target-type": "repository",
			"x-github-hook-installation-target-id": "1296269",
		},
		retryHeaders: {},
		storedId: storedIdOf("github", delivery),
		landing: landingOf("github", "push"),
	};
}

// ---- Shopify: a new customer -----------------------------------------------

// The fixture's 64-bit customer id (kept as text: JSON.parse would round it).
const SHOPIFY_CUSTOMER_ID = "706405506930370084";

function shopifyCustomer(runId: string, nowS: number): PlannedDelivery {
	const eventId = uuid(runId, "shopify-event");
	// 18 digits, like Shopify's ids, and above 2^53 like the fixture's.
	const customerId = `9${(BigInt(`0x${token(runId, "shopify-customer", 15)}`) % 10n ** 17n).toString().padStart(17, "0")}`;
	const body = replaceAll(shopifyCustomerCreatedBody, {
		[SHOPIFY_CUSTOMER_ID]: customerId,
		"bob@biller.com": `bob+${token(runId, "shopify-email", 8)}@biller.com`,
	});
	const { "content-type": _json, ...headers } = shopifyCustomerCreatedHeaders;
	return {
		label: "shopify customers/create",
		kind: "shopify",
		source: "shopify",
		providerId: eventId,
		providerType: "customers/create",
		body,
		headers: {
			...headers,
			"x-shopify-webhook-id": uuid(runId, "shopify-webhook"),
			"x-shopify-event-id": eventId,
			"x-shopify-triggered-at": new Date((nowS - 5) * 1000).toISOString(),
		},
		retryHeaders: {},
		storedId: storedIdOf("shopify", eventId),
		landing: landingOf("shopify", "customers/create"),
	};
}

// ---- Slack: the URL check, then a message -----------------------------------

const SLACK_APP = { token: "Jhj5dZrVaK7ZwHHjRyZWjbDl", team_id: "T0001", api_app_id: "A0KRD7HC3" } as const;

function slackUrlVerification(runId: string): PlannedControl {
	const challenge = `${token(runId, "slack-challenge", 40)}`;
	return {
		label: "slack url_verification",
		kind: "slack",
		source: "slack",
		body: JSON.stringify({ token: SLACK_APP.token, challenge, type: "url_verification" }),
		headers: {},
		answer: { challenge },
		marker: challenge,
	};
}

function slackMessage(runId: string, nowS: number): PlannedDelivery {
	const eventId = `Ev${token(runId, "slack-event", 10).toUpperCase()}`;
	const ts = `${nowS - 2}.000${token(runId, "slack-ts", 3).replace(/\D/g, "0")}`;
	const body = {
		...SLACK_APP,
		event: {
			type: "message",
			channel: "C2147483705",
			user: "U2147483697",
			text: "Deploy finished: webhook pipeline is green",
			ts,
			event_ts: ts,
			channel_type: "channel",
		},
		type: "event_callback",
		authorizations: [{ enterprise_id: null, team_id: "T0001", user_id: "U2147483697", is_bot: false, is_enterprise_install: false }],
		event_context: `4-${btoa(JSON.stringify({ et: "message", tid: "T0001", aid: "A0KRD7HC3", cid: "C2147483705" }))}`,
		event_id: eventId,
		event_time: nowS - 2,
	};
	return {
		label: "slack message",
		kind: "slack",
		source: "slack",
		providerId: eventId,
		providerType: "message",
		body: JSON.stringify(body),
		headers: {},
		// Slack retries a delivery it got no timely 2xx for, and says so.
		retryHeaders: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
		storedId: storedIdOf("slack", eventId),
		landing: landingOf("slack", "message"),
	};
}

// ---- Standard Webhooks: the spec's example event ---------------------------

function standardEvent(runId: string, nowS: number): PlannedDelivery {
	const messageId = `msg_${token(runId, "standard-message", 27)}`;
	const body = {
		type: "contact.created",
		timestamp: new Date((nowS - 1) * 1000).toISOString(),
		data: { id: uuid(runId, "standard-contact"), type: "contact" },
	};
	return {
		label: "standard contact.created",
		kind: "standard",
		source: "standard",
		providerId: messageId,
		providerType: "contact.created",
		body: JSON.stringify(body),
		headers: { "webhook-id": messageId },
		retryHeaders: {},
		storedId: storedIdOf("standard", messageId),
		landing: landingOf("standard", "contact.created"),
	};
}

export function planProviderRun(runId: string, nowMs: number): ProviderPlan {
	const nowS = Math.floor(nowMs / 1000);
	const deliveries = [
		...stripeDeliveries(runId, nowS),
		githubPush(runId, nowS),
		shopifyCustomer(runId, nowS),
		slackMessage(runId, nowS),
		standardEvent(runId, nowS),
		...moreProviderDeliveries(runId, nowS),
	];
	const invoice = deliveries.find((d) => d.providerType === "invoice.payment_failed")!;
	return {
		deliveries,
		controls: [slackUrlVerification(runId), discordPing(runId)],
		// Someone lowers the amount of a captured delivery and replays it.
		tampered: { of: invoice, body: invoice.body.replace(/"amount_due": \d+/, '"amount_due": 1') },
	};
}

// ---- what to send, and what each request must be told -----------------------

export interface ExpectedAnswer {
	status: number;
	// Fields the JSON answer must carry; with exact, and nothing else.
	body: Record<string, unknown>;
	exact?: boolean;
}

export interface PlannedSend extends ProviderRequest {
	// Sent instead of body (a tampered delivery).
	sentBody?: string;
	expect: ExpectedAnswer;
	// The stored id the request is about (none for a control request).
	storedId?: string;
}

// The URL check first (Slack sends it before any event), every delivery,
// every delivery again as the provider's retry, then the tampered copy.
// The request part of a planned delivery or control.
const requestOf = ({ label, kind, source, body, headers }: ProviderRequest): ProviderRequest => ({ label, kind, source, body, headers });

export function providerSends(plan: ProviderPlan): PlannedSend[] {
	const controls = plan.controls.map((c): PlannedSend => ({ ...requestOf(c), expect: { status: 200, body: c.answer, exact: true } }));
	const firsts = plan.deliveries.map(
		(d): PlannedSend => ({
			...requestOf(d),
			storedId: d.storedId,
			expect: { status: 202, body: { status: "accepted", event_id: d.storedId } },
		}),
	);
	const retries = plan.deliveries.map(
		(d): PlannedSend => ({
			...requestOf(d),
			label: `${d.label} (retry)`,
			headers: { ...d.headers, ...d.retryHeaders },
			storedId: d.storedId,
			expect: { status: 200, body: { status: "duplicate", event_id: d.storedId } },
		}),
	);
	const { of, body } = plan.tampered;
	const tampered: PlannedSend = {
		...requestOf(of),
		label: `${of.label} (tampered)`,
		sentBody: body,
		storedId: of.storedId,
		expect: { status: 401, body: { error: "signature_mismatch" } },
	};
	return [...controls, ...firsts, ...retries, tampered];
}

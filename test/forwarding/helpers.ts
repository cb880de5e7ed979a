import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { EventEnvelope } from "../../src/events/envelope";
import { invalidateTargets } from "../../src/forwarding/fanout";
import type { DeliveryMessage } from "../../src/forwarding/messages";
import { adminJson } from "../admin/helpers";
import { queueMessage } from "../support/builders";
import { deliveryRequest, signDelivery } from "../support/providers";
import { asMessages, deliver, fetchRecording } from "../support/queue";

export const DELIVERIES = "webhook-deliveries";
export const EVENTS = "webhook-events";
// Nothing listens there: every attempt is a real connection refused.
export const REFUSED_URL = "http://127.0.0.1:1/hook";

export interface CreatedDestination {
	id: string;
	secret: string;
	[field: string]: unknown;
}

// Each test forwards events of its own source, so destinations of other
// tests (and the events other test files process) never match them.
export const uniqueSource = () => `fwd-${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;

export async function createDestination(body: Record<string, unknown>): Promise<CreatedDestination> {
	const created = await adminJson<CreatedDestination>(
		"/api/destinations",
		{ method: "POST", body: JSON.stringify({ name: "test", url: REFUSED_URL, ...body }) },
		201,
	);
	invalidateTargets();
	return created;
}

// A producer that keeps what is sent instead of queueing it, so the local
// deliveries consumer does not act on it behind the test's back.
export function capturingQueue() {
	const sent: { body: DeliveryMessage; delaySeconds?: number }[] = [];
	const queue = {
		async send(body: DeliveryMessage, options?: QueueSendOptions) {
			sent.push({ body, delaySeconds: options?.delaySeconds });
		},
		async sendBatch(messages: Iterable<MessageSendRequest<DeliveryMessage>>) {
			for (const m of messages) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
		},
	};
	return { queue: queue as unknown as Queue, sent };
}

// Stores events through the real main consumer; the deliveries it fans out
// are captured, not queued.
export async function storeEvents(events: EventEnvelope[], source: string) {
	const { queue, sent } = capturingQueue();
	const result = await deliver(EVENTS, asMessages(events.map((e) => ({ ...queueMessage(e), source }))), { DELIVERIES_QUEUE: queue });
	expect(result.explicitAcks).toHaveLength(events.length);
	return sent;
}

export async function deliveryRows(where: string, ...params: unknown[]) {
	const { results } = await env.DB.prepare(`SELECT * FROM deliveries WHERE ${where} ORDER BY created_at, id`)
		.bind(...params)
		.all<Record<string, unknown>>();
	return results;
}

export async function attemptRows(deliveryId: string) {
	const { results } = await env.DB.prepare("SELECT * FROM delivery_attempts WHERE delivery_id = ? ORDER BY id")
		.bind(deliveryId)
		.all<Record<string, unknown>>();
	return results;
}

// Runs the deliveries consumer on these messages, capturing what it queues.
export async function runDeliveries(bodies: DeliveryMessage[], attempts = 1, overrides: Partial<Env> = {}) {
	const { queue, sent } = capturingQueue();
	const result = await deliver(DELIVERIES, asMessages(bodies, attempts), { DELIVERIES_QUEUE: queue, ...overrides });
	return { ...result, sent };
}

// A source of the test's own kind "stripe" (a second Stripe account), with
// mapping overrides when given.
export const stripeSource = (name: string, mapping?: Record<string, unknown>) => ({
	name,
	kind: "stripe",
	secretVars: ["STRIPE_WEBHOOK_SECRET"],
	...(mapping ? { mapping } : {}),
});

// A customer.created as Stripe sends it, spacing, non-ASCII text and a
// trailing newline included: `raw` must keep them, JSON.stringify would not.
export function customerCreated(type = "customer.created") {
	const id = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
	return `{"id": "evt_${id}", "object": "event", "type": "${type}", "created": 1767225600,
 "data": {"object": {"id": "cus_${id}", "object": "customer", "email": "zoe@example.com", "name": "Zoë"}}}\n`;
}

// A Stripe delivery (signed with the stripe library) through the real source
// route, then the real main consumer, whose fan-out is captured; returns the
// stored event id.
export async function receiveStripe(source: string, body: string, sources: object[]) {
	const overrides = { SOURCES: sources } as unknown as Partial<Env>;
	const { response, sent } = await fetchRecording(deliveryRequest(source, await signDelivery("stripe", body)), overrides);
	expect(response.status, await response.clone().text()).toBe(202);
	const { event_id } = (await response.json()) as { event_id: string };
	const { queue } = capturingQueue();
	const result = await deliver(EVENTS, asMessages(sent), { ...overrides, DELIVERIES_QUEUE: queue });
	expect(result.explicitAcks).toHaveLength(1);
	return event_id;
}

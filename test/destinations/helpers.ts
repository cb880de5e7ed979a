import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { EventEnvelope } from "../../src/events/envelope";
import { invalidateTargets } from "../../src/forwarding/fanout";
import type { DeliveryMessage } from "../../src/forwarding/messages";
import { adminJson } from "../admin/helpers";
import { queueMessage } from "../support/builders";
import { asMessages, deliver } from "../support/queue";

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

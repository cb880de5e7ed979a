import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { DeadLetterBody } from "../../src/consumer/dead-letter";
import type { EventEnvelope, EventMessage } from "../../src/events/envelope";
import worker from "../../src/index";
import { queueMessage } from "../support/builders";
import { asMessages, deliver } from "../support/queue";

export const DLQ = "webhook-events-dlq";
export const EVENTS = "webhook-events";

// A request to the Worker with the admin token (or the given one, or none).
export function admin(path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
	const { token, ...rest } = init;
	const headers = new Headers(rest.headers);
	const bearer = token === undefined ? env.ADMIN_TOKEN : token;
	if (bearer !== null) headers.set("authorization", `Bearer ${bearer}`);
	if (rest.body !== undefined) headers.set("content-type", "application/json");
	return exports.default.fetch(new Request(`https://localhost${path}`, { ...rest, headers }));
}

export async function adminJson<T = Record<string, unknown>>(
	path: string,
	init: Parameters<typeof admin>[1] = {},
	status = 200,
): Promise<T> {
	const res = await admin(path, init);
	const body = (await res.json()) as T;
	expect(res.status, JSON.stringify(body)).toBe(status);
	return body;
}

// Stores events through the real queue consumer, as production does.
export async function processEvents(events: EventEnvelope[], attempts = 1, receivedAt?: number) {
	const result = await deliver(
		EVENTS,
		asMessages(
			events.map((e) => queueMessage(e, receivedAt)),
			attempts,
		),
	);
	expect(result.explicitAcks.length + (result.ackAll ? events.length : 0)).toBe(events.length);
}

// Records a dead letter through the real dead-letter consumer.
export async function deadLetter(event: EventEnvelope, error = "usage_tracked: metadata.feature Required", failedAt = Date.now()) {
	const body: DeadLetterBody = {
		dead_letter: { reason: "permanent", error, attempts: 1, failed_at: failedAt },
		message: queueMessage(event),
	};
	await deliver(DLQ, asMessages([body]));
	const row = await env.DB.prepare("SELECT id FROM dead_letters WHERE event_id = ? AND status = 'open'")
		.bind(event.event_id)
		.first<{ id: number }>();
	expect(row).not.toBeNull();
	return row!.id;
}

// Expect a 400 that names the parameter.
export async function expectBadParam(path: string, field: string, init: Parameters<typeof admin>[1] = {}) {
	const res = await admin(path, init);
	const body = (await res.json()) as { error: string; fields?: { field: string }[] };
	expect(res.status, `${path}: ${JSON.stringify(body)}`).toBe(400);
	expect(body.error).toBe("validation_failed");
	expect(body.fields?.map((f) => f.field)).toContain(field);
}

// A request through the Worker's fetch handler, waiting for its waitUntil
// work (ingest metrics are recorded after the response).
export async function ingest(request: Request): Promise<number> {
	const ctx = createExecutionContext();
	const res = await worker.fetch(request, env, ctx);
	await waitOnExecutionContext(ctx);
	return res.status;
}

// Calls the Worker with a stand-in events queue.
export async function withQueue(queue: object, path: string, init: RequestInit = {}) {
	const ctx = createExecutionContext();
	const headers = { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" };
	const res = await worker.fetch(
		new Request(`https://localhost${path}`, { ...init, headers }),
		{ ...env, EVENTS_QUEUE: queue as Queue },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return res;
}

export function capturingQueue() {
	const sent: EventMessage[] = [];
	const queue = {
		sendBatch: async (messages: Iterable<MessageSendRequest<EventMessage>>) => {
			for (const m of messages) sent.push(m.body);
		},
	};
	return { sent, queue };
}

export const brokenQueue = {
	sendBatch: () => Promise.reject(new Error("queue down")),
	send: () => Promise.reject(new Error("queue down")),
};

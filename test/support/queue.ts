import {
	createExecutionContext,
	createMessageBatch,
	getQueueResult,
	type MessageBatchMessage,
	waitOnExecutionContext,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import worker from "../../src/index";

let messageSequence = 0;

export function asMessages<T>(bodies: T[], attempts = 1): MessageBatchMessage<T>[] {
	return bodies.map((body) => ({ id: `msg-${++messageSequence}`, timestamp: new Date(), attempts, body }));
}

// Delivers a batch to the Worker's queue handler, as the Queues runtime does.
// getQueueResult does not report retry delays, so retry() is observed (and
// still called through) to capture them.
export async function deliver<T>(queueName: string, messages: MessageBatchMessage<T>[], overrides: Partial<Env> = {}) {
	const batch = createMessageBatch(queueName, messages);
	const retryDelays: Record<string, number | undefined> = {};
	for (const message of batch.messages) {
		const retry = message.retry.bind(message);
		vi.spyOn(message, "retry").mockImplementation((options) => {
			retryDelays[message.id] = options?.delaySeconds;
			retry(options);
		});
	}
	const ctx = createExecutionContext();
	await worker.queue(batch as MessageBatch<never>, { ...env, ...overrides }, ctx);
	return { ...(await getQueueResult(batch, ctx)), retryDelays };
}

// The events queue as it is, recording every message sent to it, so a test
// can hand exactly what ingest enqueued to the consumer.
export function recordingQueue(queue: Queue = env.EVENTS_QUEUE): { queue: Queue; sent: unknown[] } {
	const sent: unknown[] = [];
	const recording = {
		send: (body: unknown, options?: QueueSendOptions) => {
			sent.push(body);
			return queue.send(body, options);
		},
		sendBatch: (messages: Iterable<MessageSendRequest>, options?: QueueSendBatchOptions) => {
			const list = [...messages];
			sent.push(...list.map((m) => m.body));
			return queue.sendBatch(list, options);
		},
	} as Queue;
	return { queue: recording, sent };
}

// Runs `run` with the events queue the idempotency shards send to replaced by
// `queue`. The shards enqueue (IdempotencyShard.accept) with the env they were
// built with, not the env a test hands the Worker's fetch, so the queue is
// swapped on that env — the tests and the Durable Objects share it in the
// workers pool — and put back afterwards.
export async function withEventsQueue<T>(queue: Queue, run: () => T | Promise<T>): Promise<T> {
	const bindings = env as { EVENTS_QUEUE: Queue };
	const original = bindings.EVENTS_QUEUE;
	bindings.EVENTS_QUEUE = queue;
	try {
		return await run();
	} finally {
		bindings.EVENTS_QUEUE = original;
	}
}

// A request through the Worker's fetch with the events queue recorded and
// waitUntil work awaited; returns the response and what it enqueued. An
// EVENTS_QUEUE override is the queue the shards send to (recorded too).
export async function fetchRecording(request: Request, overrides: Partial<Env> = {}) {
	const { EVENTS_QUEUE: through = env.EVENTS_QUEUE, ...rest } = overrides;
	const { queue, sent } = recordingQueue(through);
	const ctx = createExecutionContext();
	const response = await withEventsQueue(queue, () =>
		worker.fetch(request as Request<unknown, IncomingRequestCfProperties>, { ...env, ...rest }, ctx),
	);
	await waitOnExecutionContext(ctx);
	return { response, sent };
}

import { createExecutionContext, createMessageBatch, getQueueResult, type MessageBatchMessage } from "cloudflare:test";
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

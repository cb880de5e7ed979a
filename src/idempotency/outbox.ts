import type { QueueMessage, StoredMessage } from "../events/envelope";
import { logLine } from "../shared/log";
import { chunkForSendBatch } from "../shared/send-batch";

// One event a shard enqueues once its claim is new: the queue message (or
// the R2 claim check standing in for it) and its UTF-8 size as JSON, measured
// once by the Worker.
export interface Outgoing {
	eventId: string;
	bodyHash: string;
	// Also claimed under this key (ClaimRequest.bodyKey); the item then goes to
	// the body key's shard, so every replay of one body meets the same claim.
	bodyKey?: string;
	body: QueueMessage | StoredMessage;
	bytes: number;
}

// The events queues' producer bindings: EVENTS_QUEUE, then EVENTS_QUEUE_1,
// EVENTS_QUEUE_2, … for as long as they are bound. One queue takes about
// 5,000 messages/s; past that, bind more (each with the same consumer block)
// and ids spread over them — docs/capacity.md. Read per call, not cached:
// the bindings belong to the env the shard was built with.
export function eventQueues(env: Env): Queue[] {
	const bindings = env as unknown as Record<string, Queue | undefined>;
	const queues: Queue[] = [env.EVENTS_QUEUE];
	for (let i = 1; ; i++) {
		const queue = bindings[`EVENTS_QUEUE_${i}`];
		if (!queue) return queues;
		queues.push(queue);
	}
}

// A shard always sends to the same queue, so one accept makes one sendBatch
// per chunk; ids land on queues by the same hash that picks their shard.
export function queueIndexForShard(shard: number, queueCount: number): number {
	return queueCount > 0 ? shard % queueCount : 0;
}

// The queue a shard sends to. The index is always in range (EVENTS_QUEUE is
// always bound); the fallback is only for the type checker.
export function queueForShard(env: Env, shard: number): Queue {
	const queues = eventQueues(env);
	return queues[queueIndexForShard(shard, queues.length)] ?? env.EVENTS_QUEUE;
}

// Sends in chunks within Queues' batch limits, all chunks in parallel.
// Returns the ids that are on the queue and the ids that are not (their
// chunk's sendBatch failed, or the item could never fit one message).
export async function enqueue(queue: Queue, items: readonly Outgoing[]): Promise<{ sent: string[]; unsent: string[] }> {
	const plan = chunkForSendBatch(items, (item) => item.bytes);
	const sent: string[] = [];
	const unsent = plan.oversized.map(({ item }) => item.eventId);
	await Promise.all(
		plan.chunks.map(async (chunk) => {
			const ids = chunk.map((item) => item.eventId);
			try {
				await queue.sendBatch(chunk.map((item) => ({ body: item.body, contentType: "json" as const })));
				sent.push(...ids);
			} catch (err) {
				logLine("error", "enqueue_failed", { events: ids.length, error: String(err) });
				unsent.push(...ids);
			}
		}),
	);
	return { sent, unsent };
}

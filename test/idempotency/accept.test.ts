import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Outgoing } from "../../src/idempotency/outbox";
import { validEvent } from "../support/builders";
import { recordingQueue, withEventsQueue } from "../support/queue";

// IdempotencyShard.accept: the whole ack path for one shard's ids in one call.
function freshShard() {
	return env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(`accept-shard-${crypto.randomUUID()}`));
}

function outgoing(bodyHash = "hash-a"): Outgoing {
	const event = validEvent("usage_tracked");
	const body = { event, received_at: Date.now(), source: "direct" };
	return { eventId: event.event_id, bodyHash, body, bytes: JSON.stringify(body).length };
}

const down = { sendBatch: () => Promise.reject(new Error("queue down")) } as unknown as Queue;

describe("a shard's accept: claim, enqueue and commit in one call", () => {
	it("enqueues a new event, commits its claim, and answers duplicate to the next copy without enqueueing again", async () => {
		const shard = freshShard();
		const item = outgoing();
		const { queue, sent } = recordingQueue();
		expect(await withEventsQueue(queue, () => shard.accept([item], 0))).toEqual(["accepted"]);
		expect(sent).toEqual([item.body]);
		expect(await withEventsQueue(queue, () => shard.accept([item], 0))).toEqual(["duplicate"]);
		expect(await withEventsQueue(queue, () => shard.accept([{ ...item, bodyHash: "hash-b" }], 0))).toEqual(["conflict"]);
		expect(sent).toHaveLength(1);
		expect(await shard.counters()).toMatchObject({ accepted: 1, duplicates: 1, conflicts: 1 });
	});

	it("releases the claim when the queue refuses the send, so the sender's retry is accepted", async () => {
		const shard = freshShard();
		const item = outgoing();
		expect(await withEventsQueue(down, () => shard.accept([item], 0))).toEqual(["queue_unavailable"]);
		const { queue, sent } = recordingQueue();
		expect(await withEventsQueue(queue, () => shard.accept([item], 0))).toEqual(["accepted"]);
		expect(sent).toHaveLength(1);
		expect(await shard.counters()).toMatchObject({ accepted: 1, live_claims: 1 });
	});

	it("answers a batch in order: duplicates are not sent, new ones are", async () => {
		const shard = freshShard();
		const [a, b, c] = [outgoing(), outgoing(), outgoing()] as [Outgoing, Outgoing, Outgoing];
		const { queue, sent } = recordingQueue();
		await withEventsQueue(queue, () => shard.accept([a], 0));
		expect(await withEventsQueue(queue, () => shard.accept([b, a, c], 0))).toEqual(["accepted", "duplicate", "accepted"]);
		expect(sent).toEqual([a.body, b.body, c.body]);
	});

	it("answers in_flight to a copy that arrives while the first copy's send is still in flight", async () => {
		const shard = freshShard();
		const item = outgoing();
		let releaseSend: () => void = () => {};
		const gate = new Promise<void>((resolve) => {
			releaseSend = resolve;
		});
		// Set once the first copy's send has started (its claim is made), so the
		// second copy is sent then, however long that takes, not after a guess.
		let sendStarted = false;
		const { queue: live, sent } = recordingQueue();
		const slow = {
			sendBatch: async (m: MessageSendRequest[]) => {
				sendStarted = true;
				return gate.then(() => live.sendBatch(m));
			},
		} as unknown as Queue;
		await withEventsQueue(slow, async () => {
			const first = shard.accept([item], 0);
			while (!sendStarted) await new Promise((resolve) => setTimeout(resolve, 1));
			expect(await shard.accept([item], 0)).toEqual(["in_flight"]);
			releaseSend();
			expect(await first).toEqual(["accepted"]);
		});
		expect(sent).toHaveLength(1);
	});

	it("sends to the queue its shard maps to when more events queues are bound", async () => {
		const first = recordingQueue();
		const second = recordingQueue();
		const bindings = env as unknown as Record<string, Queue | undefined>;
		bindings.EVENTS_QUEUE_1 = second.queue;
		try {
			const shard = freshShard();
			await withEventsQueue(first.queue, async () => {
				await shard.accept([outgoing()], 4);
				await shard.accept([outgoing()], 5);
			});
		} finally {
			delete bindings.EVENTS_QUEUE_1;
		}
		expect(first.sent).toHaveLength(1);
		expect(second.sent).toHaveLength(1);
	});
});

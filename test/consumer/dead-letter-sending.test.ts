import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { QUEUE_MAX_BATCH_BYTES, QUEUE_MAX_MESSAGES_PER_BATCH } from "../../src/shared/send-batch";
import { countRows, queueMessage, validEvent } from "../support/builders";
import { asMessages, deliver } from "../support/queue";

const MAIN = "webhook-events";
const encoder = new TextEncoder();

// The real dead-letter queue, with each sendBatch call's size written down.
function measuredDeadLetterQueue() {
	const calls: { messages: number; bytes: number }[] = [];
	const queue = {
		send: env.DEAD_LETTER_QUEUE.send.bind(env.DEAD_LETTER_QUEUE),
		sendBatch: (messages: Iterable<MessageSendRequest>) => {
			const list = [...messages];
			calls.push({ messages: list.length, bytes: list.reduce((n, m) => n + encoder.encode(JSON.stringify(m.body)).byteLength, 0) });
			return env.DEAD_LETTER_QUEUE.sendBatch(list);
		},
	} as Queue;
	return { calls, queue };
}

// A poison event (negative quantity) carrying `bytes` of non-ASCII padding.
const poison = (bytes: number) => validEvent("usage_tracked", { metadata: { feature: "x", quantity: -1, padding: "é".repeat(bytes / 2) } });

describe("sending dead letters", () => {
	it("splits dead letters over 256 KB in total into sendBatch calls within Queues' limits, and every one is stored", async () => {
		const events = [poison(100_000), poison(100_000), poison(100_000)];
		const messages = asMessages(events.map((e) => queueMessage(e)));
		const { calls, queue } = measuredDeadLetterQueue();
		const result = await deliver(MAIN, messages, { DEAD_LETTER_QUEUE: queue });

		expect(result.retryMessages).toEqual([]);
		expect(result.explicitAcks.sort()).toEqual(messages.map((m) => m.id).sort());
		expect(calls.length).toBeGreaterThan(1);
		for (const call of calls) {
			expect(call.messages).toBeLessThanOrEqual(QUEUE_MAX_MESSAGES_PER_BATCH);
			expect(call.bytes).toBeLessThanOrEqual(QUEUE_MAX_BATCH_BYTES);
		}
		const ids = events.map((e) => e.event_id);
		await vi.waitFor(
			async () => expect(await countRows("SELECT count(*) AS n FROM dead_letters WHERE event_id IN (?, ?, ?)", ...ids)).toBe(3),
			{ timeout: 15_000, interval: 200 },
		);
	});

	it("stores a dead letter too large for a queue message straight in dead_letters", async () => {
		const event = poison(130_000);
		const messages = asMessages([queueMessage(event)]);
		const { calls, queue } = measuredDeadLetterQueue();
		const result = await deliver(MAIN, messages, { DEAD_LETTER_QUEUE: queue });

		expect(result.retryMessages).toEqual([]);
		expect(result.explicitAcks).toEqual([messages[0]!.id]);
		expect(calls).toEqual([]);
		const row = await env.DB.prepare("SELECT error, attempts, status, payload FROM dead_letters WHERE event_id = ?")
			.bind(event.event_id)
			.first<{ error: string; attempts: number; status: string; payload: string }>();
		expect(row).toMatchObject({ attempts: 1, status: "open", error: expect.stringContaining("metadata.quantity") });
		expect(JSON.parse(row!.payload)).toEqual(event);
	});
});

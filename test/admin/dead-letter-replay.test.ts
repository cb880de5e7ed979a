import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DeadLetterBody } from "../../src/consumer/dead-letter";
import type { EventMessage } from "../../src/events/envelope";
import { validEvent } from "../support/builders";
import { asMessages, deliver } from "../support/queue";
import { capturingQueue, DLQ, withQueue } from "./helpers";

type Replay = { matched: number; replayed: number[]; not_replayable: unknown[]; skipped: number[]; next_cursor: string | null };

// `count` open dead letters of a fresh type, stored by the real dead-letter
// consumer, oldest id first. `padding` bytes of metadata make them large.
async function openLetters(count: number, padding = 0) {
	const type = `replay_${crypto.randomUUID().slice(0, 8)}`;
	const failedAt = Date.now();
	const bodies: DeadLetterBody[] = Array.from({ length: count }, () => ({
		dead_letter: { reason: "permanent", error: "boom", attempts: 1, failed_at: failedAt },
		message: { event: validEvent(type, { metadata: { padding: "x".repeat(padding) } }), received_at: failedAt - 5, source: "test" },
	}));
	await deliver(DLQ, asMessages(bodies));
	const { results } = await env.DB.prepare("SELECT id, event_id FROM dead_letters WHERE event_type = ? ORDER BY id")
		.bind(type)
		.all<{ id: number; event_id: string }>();
	expect(results).toHaveLength(count);
	return { type, ids: results.map((r) => r.id), eventIds: results.map((r) => r.event_id) };
}

async function statuses(ids: number[]): Promise<Record<number, string>> {
	const { results } = await env.DB.prepare(`SELECT id, status FROM dead_letters WHERE id IN (${ids.map(() => "?").join(", ")})`)
		.bind(...ids)
		.all<{ id: number; status: string }>();
	return Object.fromEntries(results.map((r) => [r.id, r.status]));
}

const replay = (queue: object, body: Record<string, unknown>) =>
	withQueue(queue, "/api/dead-letters/replay", { method: "POST", body: JSON.stringify(body) });

describe("replaying dead letters: enqueue first, then mark", () => {
	it("marks a letter replayed only after its message is on the queue, so an interrupted replay leaves the rest open", async () => {
		// ~60 KB each: four fit in one 256 KB sendBatch, so six take two calls.
		const { type, ids } = await openLetters(6, 60_000);
		const sent: EventMessage[] = [];
		const statusAtSend: string[] = [];
		let calls = 0;
		const failsSecondCall = {
			sendBatch: async (messages: Iterable<MessageSendRequest<EventMessage>>) => {
				const batch = [...messages].map((m) => m.body);
				const rows = await env.DB.prepare(
					`SELECT status FROM dead_letters WHERE event_type = ? AND event_id IN (${batch.map(() => "?").join(", ")})`,
				)
					.bind(type, ...batch.map((m) => m.event.event_id))
					.all<{ status: string }>();
				statusAtSend.push(...rows.results.map((r) => r.status));
				if (++calls === 2) throw new Error("queue down");
				sent.push(...batch);
			},
		};

		const res = await replay(failsSecondCall, { event_type: type });
		expect(res.status).toBe(503);
		const body = (await res.json()) as Replay & { error: string };
		expect(body.error).toBe("queue_unavailable");
		expect(statusAtSend.every((s) => s === "open")).toBe(true);
		expect(sent).toHaveLength(4);
		expect(body.replayed).toEqual(ids.slice(0, 4));
		expect(await statuses(ids)).toEqual(Object.fromEntries(ids.map((id, i) => [id, i < 4 ? "replayed" : "open"])));

		// Continuing from the 503's cursor enqueues the two left, and only them.
		const { sent: rest, queue } = capturingQueue();
		const resumed = await replay(queue, { event_type: type, cursor: body.next_cursor });
		expect(resumed.status).toBe(200);
		expect(await resumed.json()).toMatchObject({ replayed: ids.slice(4), next_cursor: null });
		expect(new Set([...sent, ...rest].map((m) => m.event.event_id)).size).toBe(6);
		expect(rest).toHaveLength(2);
		expect(Object.values(await statuses(ids))).toEqual(ids.map(() => "replayed"));
	});

	it("leaves a letter open with its new failure when the replayed event fails again before it is marked", async () => {
		const { ids, eventIds } = await openLetters(1);
		const failsAgainAtOnce = {
			sendBatch: async (messages: Iterable<MessageSendRequest<EventMessage>>) => {
				// The dead-letter consumer refreshes the open letter with the new failure.
				const [message] = [...messages].map((m) => m.body);
				const again: DeadLetterBody = {
					dead_letter: { reason: "permanent", error: "boom again", attempts: 1, failed_at: Date.now() + 1 },
					message,
				};
				await deliver(DLQ, asMessages([again]));
			},
		};
		const res = await withQueue(failsAgainAtOnce, `/api/dead-letters/${ids[0]}/replay`, { method: "POST" });
		expect(res.status).toBe(409);
		const row = await env.DB.prepare("SELECT status, error FROM dead_letters WHERE event_id = ?").bind(eventIds[0]).first();
		expect(row).toEqual({ status: "open", error: "boom again" });
	});
});

describe("replaying by filter, bounded per call", () => {
	it("takes at most 500 letters per call and needs next_cursor for the rest, enqueueing each letter exactly once", async () => {
		const { type, ids, eventIds } = await openLetters(501);
		const { sent, queue } = capturingQueue();

		const first = (await (await replay(queue, { event_type: type })).json()) as Replay;
		expect(first.matched).toBe(500);
		expect(first.replayed).toEqual(ids.slice(0, 500));
		expect(first.next_cursor).toEqual(expect.any(String));

		// A letter that fails after the sequence started is left for a later one.
		const late = await openLetters(1);
		await env.DB.prepare("UPDATE dead_letters SET event_type = ? WHERE id = ?").bind(type, late.ids[0]).run();

		const second = (await (await replay(queue, { event_type: type, cursor: first.next_cursor })).json()) as Replay;
		expect(second).toMatchObject({ matched: 1, replayed: [ids[500]], next_cursor: null });

		expect(sent.map((m) => m.event.event_id).sort()).toEqual([...eventIds].sort());
		expect(new Set(sent.map((m) => m.event.event_id)).size).toBe(501);
		expect((await statuses(late.ids))[late.ids[0]!]).toBe("open");
	});

	it("continues with next_cursor under a smaller limit until it is null", async () => {
		const { type, ids } = await openLetters(7);
		const { sent, queue } = capturingQueue();
		const pages: number[][] = [];
		let cursor: string | null | undefined;
		do {
			const res = await replay(queue, { event_type: type, limit: 3, ...(cursor ? { cursor } : {}) });
			expect(res.status).toBe(200);
			const page = (await res.json()) as Replay;
			pages.push(page.replayed);
			cursor = page.next_cursor;
		} while (cursor);
		expect(pages).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
		expect(sent).toHaveLength(7);
	});

	it("refuses a limit over 500 and a cursor it did not issue", async () => {
		for (const body of [{ limit: 501 }, { limit: 0 }, { cursor: "not-a-cursor" }]) {
			const res = await replay(capturingQueue().queue, body);
			expect(res.status, JSON.stringify(body)).toBe(400);
		}
	});
});

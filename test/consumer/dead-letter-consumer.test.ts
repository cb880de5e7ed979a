import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { DeadLetterBody } from "../../src/consumer/dead-letter";
import { countRows, queueMessage, validEvent } from "../support/builders";
import { whileD1RefusesRow } from "../support/faults";
import { asMessages, deliver } from "../support/queue";

const DLQ = "webhook-events-dlq";

describe("dead-letter consumer", () => {
	it("records a dead letter with payload, error, attempts and time", async () => {
		const event = validEvent("usage_tracked");
		const body: DeadLetterBody = {
			dead_letter: { reason: "permanent", error: "usage_tracked: metadata.feature required", attempts: 1, failed_at: 1_700_000_000_000 },
			message: queueMessage(event),
		};
		const messages = asMessages([body]);
		const result = await deliver(DLQ, messages);
		expect(result.explicitAcks).toEqual([messages[0]!.id]);
		const row = await env.DB.prepare("SELECT * FROM dead_letters WHERE event_id = ?").bind(event.event_id).first();
		expect(row).toMatchObject({
			event_type: "usage_tracked",
			source: "test",
			error: "usage_tracked: metadata.feature required",
			attempts: 1,
			failed_at: 1_700_000_000_000,
			status: "open",
		});
		expect(JSON.parse(String(row?.payload))).toEqual(event);
	});

	it("records a message the queue moved itself after retries ran out", async () => {
		const event = validEvent("user_signup");
		await deliver(DLQ, asMessages([queueMessage(event)]));
		const row = await env.DB.prepare("SELECT error, attempts FROM dead_letters WHERE event_id = ?").bind(event.event_id).first();
		expect(row).toMatchObject({ attempts: 4, error: expect.stringContaining("retries exhausted") });
	});

	it("keeps one open dead letter per event when the same dead letter is redelivered", async () => {
		const event = validEvent("usage_tracked");
		// One message (one acceptance of the event), dead-lettered twice.
		const message = queueMessage(event);
		const body = (error: string, attempts: number): DeadLetterBody => ({
			dead_letter: { reason: "retries_exhausted", error, attempts, failed_at: Date.now() },
			message,
		});
		await deliver(DLQ, asMessages([body("first", 4)]));
		await deliver(DLQ, asMessages([body("second", 4)]));
		expect(await countRows("SELECT count(*) AS n FROM dead_letters WHERE event_id = ?", event.event_id)).toBe(1);
		const row = await env.DB.prepare("SELECT error FROM dead_letters WHERE event_id = ?").bind(event.event_id).first();
		expect(row).toEqual({ error: "second" });
	});

	it("stores even an unparseable message rather than dropping it", async () => {
		const messages = asMessages(["garbage"]);
		await deliver(DLQ, messages);
		const row = await env.DB.prepare("SELECT payload FROM dead_letters WHERE event_id = ?").bind(`unparseable:${messages[0]!.id}`).first();
		expect(row).toEqual({ payload: '"garbage"' });
	});
});

describe("dead-letter consumer when D1 refuses a row", () => {
	it("stores the good rows of a batch and retries only the row D1 refuses", async () => {
		const good = [validEvent("usage_tracked"), validEvent("user_signup")];
		const bad = validEvent("usage_tracked");
		await whileD1RefusesRow("dead_letters", bad.event_id, async () => {
			const messages = asMessages([good[0]!, bad, good[1]!].map((e) => queueMessage(e)));
			const result = await deliver(DLQ, messages);
			expect(result.ackAll).toBe(false);
			expect(result.explicitAcks.sort()).toEqual([messages[0]!.id, messages[2]!.id].sort());
			expect(result.retryMessages).toEqual([{ msgId: messages[1]!.id }]);
			const stored = await countRows(
				"SELECT count(*) AS n FROM dead_letters WHERE event_id IN (?, ?)",
				good[0]!.event_id,
				good[1]!.event_id,
			);
			expect(stored).toBe(2);
			expect(await countRows("SELECT count(*) AS n FROM dead_letters WHERE event_id = ?", bad.event_id)).toBe(0);
		});
	});
});

describe("dead-letter consumer when D1 is down", () => {
	// Fault injection on the real binding: every D1 write fails.
	const brokenDb = { batch: () => Promise.reject(new Error("D1 down")), prepare: env.DB.prepare.bind(env.DB) } as unknown as D1Database;

	async function archivedObject(messageId: string) {
		const listed = await env.PAYLOADS.list({ prefix: "dead-letters/" });
		const key = listed.objects.map((o) => o.key).find((k) => k.endsWith(`/${messageId}.json`));
		return key === undefined ? null : { key, object: await env.PAYLOADS.get(key) };
	}

	it("retries while attempts remain, writing nothing to R2", async () => {
		const messages = asMessages([queueMessage(validEvent("usage_tracked"))], 1);
		const early = await deliver(DLQ, messages, { DB: brokenDb });
		expect(early.retryMessages).toHaveLength(1);
		expect(early.explicitAcks).toEqual([]);
		expect(await archivedObject(messages[0]!.id)).toBeNull();
	});

	it("writes the dead letter to R2 on its last attempt, then acks", async () => {
		const { DEAD_LETTER_MAX_RETRIES } = await import("../../src/consumer/retry-policy");
		const event = validEvent("usage_tracked");
		const body: DeadLetterBody = {
			dead_letter: { reason: "permanent", error: "usage_tracked: metadata.quantity too small", attempts: 1, failed_at: 1_700_000_000_000 },
			message: queueMessage(event),
		};
		const messages = asMessages([body], DEAD_LETTER_MAX_RETRIES + 1);
		const last = await deliver(DLQ, messages, { DB: brokenDb });
		expect(last.retryMessages).toEqual([]);
		expect(last.explicitAcks).toEqual([messages[0]!.id]);

		const archived = await archivedObject(messages[0]!.id);
		expect(archived?.key).toMatch(new RegExp(`^dead-letters/\\d{4}-\\d{2}-\\d{2}/${messages[0]!.id}\\.json$`));
		const stored = (await archived!.object!.json()) as Record<string, any>;
		expect(stored).toMatchObject({
			queue: DLQ,
			queue_message_id: messages[0]!.id,
			store_error: expect.stringContaining("D1 down"),
			row: { event_id: event.event_id, event_type: "usage_tracked", error: "usage_tracked: metadata.quantity too small", attempts: 1 },
			body,
		});
		expect(JSON.parse(stored.row.payload)).toEqual(event);
		expect(await countRows("SELECT count(*) AS n FROM dead_letters WHERE event_id = ?", event.event_id)).toBe(0);
	});

	it("retries rather than acks when R2 refuses too, keeping the whole dead letter in the error log", async () => {
		const { DEAD_LETTER_MAX_RETRIES } = await import("../../src/consumer/retry-policy");
		const event = validEvent("usage_tracked");
		const brokenBucket = { put: () => Promise.reject(new Error("R2 down")) } as unknown as R2Bucket;
		const errors: string[] = [];
		const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
		try {
			const messages = asMessages([queueMessage(event)], DEAD_LETTER_MAX_RETRIES + 1);
			const last = await deliver(DLQ, messages, { DB: brokenDb, PAYLOADS: brokenBucket });
			expect(last.explicitAcks).toEqual([]);
			expect(last.ackAll).toBe(false);
			expect(last.retryMessages).toEqual([{ msgId: messages[0]!.id }]);
			const unstored = errors.find((l) => l.includes("dead_letter_unstored"));
			expect(unstored).toContain(event.event_id);
			expect(unstored).toContain("api_calls");
			expect(await archivedObject(messages[0]!.id)).toBeNull();
		} finally {
			spy.mockRestore();
		}
	});
});

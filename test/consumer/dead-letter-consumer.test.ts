import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { DeadLetterBody } from "../../src/consumer/dead-letter";
import { countRows, queueMessage, validEvent } from "../support/builders";
import { asMessages, deliver } from "../support/queue";

const DLQ = "webhook-events-dlq";

describe("dead-letter consumer", () => {
	it("records a dead letter with payload, error, attempts and time", async () => {
		const event = validEvent("usage_tracked");
		const body: DeadLetterBody = {
			dead_letter: { reason: "permanent", error: "usage_tracked: metadata.feature required", attempts: 1, failed_at: 1_700_000_000_000 },
			message: queueMessage(event),
		};
		const result = await deliver(DLQ, asMessages([body]));
		expect(result.ackAll).toBe(true);
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
		const body = (error: string, attempts: number): DeadLetterBody => ({
			dead_letter: { reason: "retries_exhausted", error, attempts, failed_at: Date.now() },
			message: queueMessage(event),
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

describe("dead-letter consumer when D1 is down", () => {
	it("retries the batch, and logs the full dead letter on its last attempt", async () => {
		const { DEAD_LETTER_MAX_RETRIES } = await import("../../src/consumer/retry-policy");
		const event = validEvent("usage_tracked");
		const brokenDb = { batch: () => Promise.reject(new Error("D1 down")), prepare: env.DB.prepare.bind(env.DB) } as unknown as D1Database;
		const errors: string[] = [];
		const spy = vi.spyOn(console, "error").mockImplementation((line: string) => void errors.push(line));
		try {
			const early = await deliver(DLQ, asMessages([queueMessage(event)], 1), { DB: brokenDb });
			expect(early.retryMessages).toHaveLength(1);
			expect(errors.some((l) => l.includes("dead_letter_unstored"))).toBe(false);

			const last = await deliver(DLQ, asMessages([queueMessage(event)], DEAD_LETTER_MAX_RETRIES + 1), { DB: brokenDb });
			expect(last.retryMessages).toHaveLength(1);
			const unstored = errors.find((l) => l.includes("dead_letter_unstored"));
			expect(unstored).toContain(event.event_id);
			expect(unstored).toContain("api_calls");
		} finally {
			spy.mockRestore();
		}
	});
});

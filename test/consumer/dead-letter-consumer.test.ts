import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
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

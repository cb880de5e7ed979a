import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { eventHash } from "../../src/events/hash";
import { processEvents } from "../admin/helpers";
import { countRows, queueMessage, validEvent } from "../support/builders";
import { whileD1RefusesRow } from "../support/faults";
import { asMessages, deliver, recordingQueue } from "../support/queue";

const MAIN = "webhook-events";

describe("queue consumer", () => {
	it("writes each event and its derived rows, then acks every message", async () => {
		const signup = validEvent("user_signup");
		const usage = validEvent("usage_tracked");
		const subscription = validEvent("subscription_created");
		const messages = asMessages([signup, usage, subscription].map((e) => queueMessage(e)));
		const result = await deliver(MAIN, messages);

		expect(result.explicitAcks.sort()).toEqual(messages.map((m) => m.id).sort());
		expect(result.retryMessages).toEqual([]);
		const row = await env.DB.prepare("SELECT * FROM events WHERE event_id = ?").bind(usage.event_id).first();
		expect(row).toMatchObject({ event_type: "usage_tracked", status: "processed", attempts: 1, source: "test" });
		expect(Number(row?.latency_ms)).toBeGreaterThanOrEqual(100);
		expect(await countRows("SELECT count(*) AS n FROM users WHERE user_id = ?", signup.user_id)).toBe(1);
		expect(await countRows("SELECT count(*) AS n FROM usage_records WHERE event_id = ?", usage.event_id)).toBe(1);
		expect(await countRows("SELECT count(*) AS n FROM subscription_changes WHERE event_id = ?", subscription.event_id)).toBe(1);
	});

	it("logs one line per batch with the rows D1 wrote for it, the figure the capacity plan and bench use", async () => {
		const lines: string[] = [];
		const spy = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(line));
		try {
			await deliver(MAIN, asMessages([validEvent("user_signup"), validEvent("usage_tracked")].map((e) => queueMessage(e))));
		} finally {
			spy.mockRestore();
		}
		const batch = lines.map((l) => JSON.parse(l) as { msg: string; d1_rows_written?: number }).find((l) => l.msg === "batch");
		// At least the two events rows and their derived rows.
		expect(batch?.d1_rows_written).toBeGreaterThanOrEqual(4);
	});

	it("never double counts when the same messages are delivered again", async () => {
		const events = [validEvent("usage_tracked"), validEvent("usage_tracked"), validEvent("user_signup")];
		const bodies = events.map((e) => queueMessage(e));
		const countersBefore = await countRows("SELECT value AS n FROM pipeline_counters WHERE name = 'processed'");

		await deliver(MAIN, asMessages(bodies));
		const redelivery = await deliver(MAIN, asMessages(bodies, 2));
		expect(redelivery.explicitAcks).toHaveLength(3);

		const ids = events.map((e) => e.event_id);
		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id IN (?, ?, ?)", ...ids)).toBe(3);
		expect(await countRows("SELECT count(*) AS n FROM usage_records WHERE event_id IN (?, ?, ?)", ...ids)).toBe(2);
		expect(await countRows("SELECT sum(quantity) AS n FROM usage_records WHERE event_id IN (?, ?, ?)", ...ids)).toBe(10);
		expect(await countRows("SELECT value AS n FROM pipeline_counters WHERE name = 'processed'")).toBe(countersBefore + 3);
		// The first delivery's attempt count stands.
		expect(await countRows("SELECT max(attempts) AS n FROM events WHERE event_id IN (?, ?, ?)", ...ids)).toBe(1);
	});

	it("converges on the latest subscription state whatever order updates arrive in", async () => {
		const update = (plan: string, amount: number, minute: number, subscription_id: string) =>
			validEvent("subscription_created", {
				user_id: "user_ooo",
				timestamp: `2026-11-27T10:0${minute}:00.000Z`,
				metadata: { plan, amount, currency: "usd", interval: plan === "annual" ? "year" : "month", subscription_id },
			});
		const finalState = async (subscription_id: string) =>
			env.DB.prepare("SELECT plan, amount, monthly_amount, currency FROM subscriptions WHERE subscription_id = ?")
				.bind(subscription_id)
				.first();

		const inOrder = [update("starter", 9, 1, "sub_a"), update("pro", 29, 2, "sub_a"), update("annual", 240, 3, "sub_a")];
		await deliver(MAIN, asMessages(inOrder.map((e) => queueMessage(e))));

		const shuffled = [update("annual", 240, 3, "sub_b"), update("starter", 9, 1, "sub_b"), update("pro", 29, 2, "sub_b")];
		await deliver(MAIN, asMessages([queueMessage(shuffled[0]!)]));
		await deliver(MAIN, asMessages(shuffled.slice(1).map((e) => queueMessage(e))));

		const expected = { plan: "annual", amount: 240, monthly_amount: 20, currency: "USD" };
		expect(await finalState("sub_a")).toEqual(expected);
		expect(await finalState("sub_b")).toEqual(expected);
		expect(await countRows("SELECT count(*) AS n FROM subscription_changes WHERE subscription_id = 'sub_b'")).toBe(3);
	});

	it("keeps the earliest signup time and the newest profile for a user", async () => {
		const later = validEvent("user_signup", { user_id: "user_twice", timestamp: "2026-11-27T12:00:00Z", metadata: { plan: "pro" } });
		const earlier = validEvent("user_signup", { user_id: "user_twice", timestamp: "2026-11-27T09:00:00Z", metadata: { plan: "free" } });
		await deliver(MAIN, asMessages([queueMessage(later)]));
		await deliver(MAIN, asMessages([queueMessage(earlier)]));
		const user = await env.DB.prepare("SELECT plan, signed_up_at FROM users WHERE user_id = 'user_twice'").first();
		expect(user).toEqual({ plan: "pro", signed_up_at: Date.parse("2026-11-27T09:00:00Z") });
	});

	it("stores unknown event types as unhandled, not as failures", async () => {
		const event = validEvent("invoice_paid");
		const result = await deliver(MAIN, asMessages([queueMessage(event)]));
		expect(result.explicitAcks).toHaveLength(1);
		const row = await env.DB.prepare("SELECT status FROM events WHERE event_id = ?").bind(event.event_id).first();
		expect(row).toEqual({ status: "unhandled" });
	});

	it("dead-letters a poison event at once with its reason, and never writes it as processed", async () => {
		const poison = validEvent("usage_tracked", { metadata: { quantity: -3 } });
		const healthy = validEvent("usage_tracked");
		const messages = asMessages([queueMessage(poison), queueMessage(healthy)]);
		const result = await deliver(MAIN, messages);

		expect(result.explicitAcks.sort()).toEqual(messages.map((m) => m.id).sort());
		expect(result.retryMessages).toEqual([]);
		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", poison.event_id)).toBe(0);
		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", healthy.event_id)).toBe(1);

		// The local dead-letter queue delivers to the dead-letter consumer.
		const deadLetter = await vi.waitUntil(
			() => env.DB.prepare("SELECT error, attempts, status FROM dead_letters WHERE event_id = ?").bind(poison.event_id).first(),
			{ timeout: 15_000, interval: 200 },
		);
		expect(deadLetter).toMatchObject({ attempts: 1, status: "open" });
		expect(String(deadLetter.error)).toMatch(/metadata\.feature.*metadata\.quantity|invalid_event_data|PermanentError/s);
	});

	it("retries transient failures with growing delays and records each failed attempt", async () => {
		const event = validEvent("usage_tracked");
		const first = await deliver(MAIN, asMessages([queueMessage(event)], 1), { CHAOS_FAIL_RATE: "1" });
		expect(first.retryMessages).toHaveLength(1);
		expect(Object.values(first.retryDelays)).toEqual([2]);
		expect(first.explicitAcks).toEqual([]);
		const third = await deliver(MAIN, asMessages([queueMessage(event)], 3), { CHAOS_FAIL_RATE: "1" });
		expect(Object.values(third.retryDelays)).toEqual([8]);

		const attempts = await env.DB.prepare("SELECT attempt, error FROM event_attempts WHERE event_id = ? ORDER BY attempt")
			.bind(event.event_id)
			.all();
		expect(attempts.results).toEqual([
			{ attempt: 1, error: expect.stringContaining("chaos") },
			{ attempt: 3, error: expect.stringContaining("chaos") },
		]);
		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", event.event_id)).toBe(0);
	});

	it("dead-letters a transient failure on its last attempt instead of retrying again", async () => {
		const event = validEvent("user_signup");
		const last = await deliver(MAIN, asMessages([queueMessage(event)], 4), { CHAOS_FAIL_RATE: "1" });
		expect(last.retryMessages).toEqual([]);
		expect(last.explicitAcks).toHaveLength(1);
		const deadLetter = await vi.waitUntil(
			() => env.DB.prepare("SELECT error, attempts FROM dead_letters WHERE event_id = ?").bind(event.event_id).first(),
			{ timeout: 15_000, interval: 200 },
		);
		expect(deadLetter).toMatchObject({ attempts: 4, error: expect.stringContaining("chaos") });
	});

	it("isolates a message whose write fails so the rest of the batch still lands", async () => {
		const good = [validEvent("usage_tracked"), validEvent("user_signup")];
		const bad = validEvent("usage_tracked");
		await whileD1RefusesRow("events", bad.event_id, async () => {
			const messages = asMessages([good[0]!, bad, good[1]!].map((e) => queueMessage(e)));
			const result = await deliver(MAIN, messages);
			expect(result.explicitAcks.sort()).toEqual([messages[0]!.id, messages[2]!.id].sort());
			expect(result.retryMessages).toEqual([{ msgId: messages[1]!.id }]);
			expect(result.retryDelays).toEqual({ [messages[1]!.id]: 2 });
			expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id IN (?, ?)", good[0]!.event_id, good[1]!.event_id)).toBe(2);
			expect(await countRows("SELECT count(*) AS n FROM usage_records WHERE event_id = ?", bad.event_id)).toBe(0);
		});
	});

	it("stores usage that names no feature as one unit of the unnamed feature, not a dead letter", async () => {
		const { metadata: _none, ...bare } = validEvent("usage_tracked");
		const result = await deliver(MAIN, asMessages([queueMessage(bare)]));
		expect(result.explicitAcks).toHaveLength(1);
		const row = await env.DB.prepare("SELECT feature, quantity FROM usage_records WHERE event_id = ?").bind(bare.event_id).first();
		expect(row).toEqual({ feature: "unnamed", quantity: 1 });
		expect(await countRows("SELECT count(*) AS n FROM dead_letters WHERE event_id = ?", bare.event_id)).toBe(0);
	});

	it("dead-letters a message that is not an event message", async () => {
		const result = await deliver(MAIN, asMessages([{ not: "an event" }]));
		expect(result.explicitAcks).toHaveLength(1);
		expect(result.retryMessages).toEqual([]);
	});
});

describe("an id accepted again after the idempotency window", () => {
	it("with another body is dead-lettered naming both hashes, never silently dropped; the stored event is untouched", async () => {
		const original = validEvent("usage_tracked", { metadata: { feature: "api", quantity: 3 } });
		await processEvents([original], 1, Date.now() - 60_000);
		const changed = { ...original, metadata: { feature: "api", quantity: 300 } };
		const dlq = recordingQueue(env.DEAD_LETTER_QUEUE);
		const result = await deliver("webhook-events", asMessages([queueMessage(changed, Date.now())]), { DEAD_LETTER_QUEUE: dlq.queue });
		expect(result.explicitAcks).toHaveLength(1);
		expect(dlq.sent).toHaveLength(1);
		await deliver("webhook-events-dlq", asMessages(dlq.sent));
		const letter = await env.DB.prepare("SELECT error FROM dead_letters WHERE event_id = ? AND status = 'open'")
			.bind(original.event_id)
			.first<{ error: string }>();
		expect(letter?.error).toMatch(/id_conflict: .*stored sha256 [0-9a-f]{32}…, received sha256 [0-9a-f]{32}…/);
		const usage = await env.DB.prepare("SELECT quantity FROM usage_records WHERE event_id = ?").bind(original.event_id).first();
		expect(usage).toEqual({ quantity: 3 });
	});

	it("racing: two copies with other bodies under one id in the same batch store one and dead-letter the other", async () => {
		// Neither is stored when the batch starts, so no read before the write
		// can tell; the write itself refuses the second copy.
		const first = validEvent("usage_tracked", { metadata: { feature: "api", quantity: 3 } });
		const second = { ...first, metadata: { feature: "api", quantity: 300 } };
		const dlq = recordingQueue(env.DEAD_LETTER_QUEUE);
		const result = await deliver(
			"webhook-events",
			asMessages([queueMessage(first, Date.now() - 1_000), queueMessage(second, Date.now())]),
			{ DEAD_LETTER_QUEUE: dlq.queue },
		);
		expect(result.explicitAcks).toHaveLength(2);
		expect(result.retryMessages).toEqual([]);
		await deliver("webhook-events-dlq", asMessages(dlq.sent));
		const letters = await env.DB.prepare("SELECT error, payload FROM dead_letters WHERE event_id = ? AND status = 'open'")
			.bind(first.event_id)
			.all<{ error: string; payload: string }>();
		expect(letters.results).toHaveLength(1);
		expect(letters.results[0]?.error).toMatch(/^id_conflict: .*stored sha256 [0-9a-f]{32}…, received sha256 [0-9a-f]{32}…/);
		expect(JSON.parse(letters.results[0]!.payload).metadata.quantity).toBe(300);
		const usage = await env.DB.prepare("SELECT quantity FROM usage_records WHERE event_id = ?").bind(first.event_id).all();
		expect(usage.results).toEqual([{ quantity: 3 }]);
	});

	it("keeps each distinct failed copy as its own open dead letter, and refreshes a redelivered one", async () => {
		const original = validEvent("usage_tracked", { metadata: { feature: "api", quantity: 3 } });
		await processEvents([original], 1, Date.now() - 120_000);
		const copies = [5, 7].map((quantity, i) =>
			queueMessage({ ...original, metadata: { feature: "api", quantity } }, Date.now() - 60_000 + i),
		);
		const dlq = recordingQueue(env.DEAD_LETTER_QUEUE);
		await deliver("webhook-events", asMessages(copies), { DEAD_LETTER_QUEUE: dlq.queue });
		expect(dlq.sent).toHaveLength(2);
		// The dead-letter queue delivers each letter twice (a redelivery).
		await deliver("webhook-events-dlq", asMessages(dlq.sent));
		await deliver("webhook-events-dlq", asMessages(dlq.sent));
		const letters = await env.DB.prepare("SELECT payload FROM dead_letters WHERE event_id = ? AND status = 'open' ORDER BY received_at")
			.bind(original.event_id)
			.all<{ payload: string }>();
		expect(letters.results.map((l) => JSON.parse(l.payload).metadata.quantity)).toEqual([5, 7]);
	});

	it("with the same body (in any key order) is settled as a redelivery, not a conflict", async () => {
		const original = validEvent("usage_tracked", { metadata: { quantity: 2, feature: "api" } });
		await processEvents([original], 1, Date.now() - 60_000);
		const reordered = { metadata: { feature: "api", quantity: 2 }, ...original };
		const dlq = recordingQueue(env.DEAD_LETTER_QUEUE);
		const result = await deliver("webhook-events", asMessages([queueMessage(reordered, Date.now())]), { DEAD_LETTER_QUEUE: dlq.queue });
		expect(result.explicitAcks).toHaveLength(1);
		expect(dlq.sent).toEqual([]);
		expect(await countRows("SELECT count(*) AS n FROM event_redeliveries WHERE event_id = ?", original.event_id)).toBe(1);
	});

	it("against a row stored with the whole 64-character hash: same content settles, other content conflicts", async () => {
		const original = validEvent("usage_tracked", { metadata: { quantity: 2, feature: "api" } });
		await processEvents([original], 1, Date.now() - 60_000);
		const stored = await env.DB.prepare("SELECT body_hash FROM events WHERE event_id = ?")
			.bind(original.event_id)
			.first<{ body_hash: string }>();
		// The events row keeps 128 bits of the hash; rows from before kept all 256.
		expect(stored?.body_hash).toMatch(/^[0-9a-f]{32}$/);
		const whole = await eventHash(original);
		expect(whole.startsWith(stored!.body_hash)).toBe(true);
		// Stored as such a row was (a replace fires no update trigger).
		const row = { ...(await env.DB.prepare("SELECT * FROM events WHERE event_id = ?").bind(original.event_id).first()), body_hash: whole };
		await env.DB.prepare(
			`INSERT OR REPLACE INTO events (${Object.keys(row).join(", ")}) VALUES (${Object.keys(row)
				.map(() => "?")
				.join(", ")})`,
		)
			.bind(...Object.values(row))
			.run();

		const dlq = recordingQueue(env.DEAD_LETTER_QUEUE);
		await deliver("webhook-events", asMessages([queueMessage(original, Date.now())]), { DEAD_LETTER_QUEUE: dlq.queue });
		expect(dlq.sent).toEqual([]);
		expect(await countRows("SELECT count(*) AS n FROM event_redeliveries WHERE event_id = ?", original.event_id)).toBe(1);

		const changed = { ...original, metadata: { feature: "api", quantity: 3 } };
		await deliver("webhook-events", asMessages([queueMessage(changed, Date.now() + 1)]), { DEAD_LETTER_QUEUE: dlq.queue });
		expect(dlq.sent).toHaveLength(1);
		expect(await countRows("SELECT count(*) AS n FROM usage_records WHERE event_id = ? AND quantity = 2", original.event_id)).toBe(1);
	});
});

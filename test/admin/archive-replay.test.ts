import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { replayArchive } from "../../src/admin/archive-replay";
import type { EventType } from "../../src/events/contract";
import { registry } from "../../src/events/registry";
import { usageRecordsTable } from "../../src/events/types/usage-tracked";
import { readPipelineCounters } from "../../src/metrics/pipeline-counters";
import { validEvent } from "../support/builders";
import { admin, adminJson, expectBadParam, processEvents } from "./helpers";

const day = (d: number, h = 10) => new Date(Date.UTC(2026, 9, d, h)).toISOString();
const handlers = registry as Map<string, EventType>;
const original = new Map(handlers);

afterEach(() => {
	handlers.clear();
	for (const [type, h] of original) handlers.set(type, h);
});

// Everything derived for one test's users, in a stable order.
async function derivedState(userIds: string[]) {
	const marks = userIds.map(() => "?").join(", ");
	const read = async (sql: string) =>
		(
			await env.DB.prepare(sql)
				.bind(...userIds)
				.all()
		).results;
	return {
		users: await read(`SELECT * FROM users WHERE user_id IN (${marks}) ORDER BY user_id`),
		subscriptions: await read(`SELECT * FROM subscriptions WHERE user_id IN (${marks}) ORDER BY subscription_id`),
		changes: await read(`SELECT * FROM subscription_changes WHERE user_id IN (${marks}) ORDER BY event_id`),
		usage: await read(`SELECT * FROM usage_records WHERE user_id IN (${marks}) ORDER BY event_id`),
		events: await read(
			`SELECT event_id, status, attempts, processed_at, latency_ms FROM events WHERE user_id IN (${marks}) ORDER BY event_id`,
		),
	};
}

function scenario(month: number) {
	const u1 = `replay_user_${crypto.randomUUID().slice(0, 8)}`;
	const u2 = `replay_user_${crypto.randomUUID().slice(0, 8)}`;
	const events = [
		validEvent("user_signup", { user_id: u1, timestamp: day(month), metadata: { email: "a@example.com", plan: "free" } }),
		validEvent("user_signup", { user_id: u1, timestamp: day(month + 1), metadata: { email: "a@example.com", plan: "pro" } }),
		validEvent("subscription_created", {
			user_id: u1,
			timestamp: day(month + 2),
			metadata: { plan: "pro", amount: 29, currency: "USD", interval: "month" },
		}),
		validEvent("subscription_created", {
			user_id: u1,
			timestamp: day(month + 1),
			metadata: { plan: "basic", amount: 9, currency: "USD", interval: "month" },
		}),
		validEvent("usage_tracked", { user_id: u2, timestamp: day(month), metadata: { feature: "api", quantity: 3 } }),
		validEvent("usage_tracked", { user_id: u2, timestamp: day(month + 1), metadata: { feature: "api", quantity: 4 } }),
		validEvent("future_type", { user_id: u2, timestamp: day(month + 2), metadata: { seats: 5 } }),
	];
	return { users: [u1, u2], events, range: { from: Date.parse(day(month)), to: Date.parse(day(month + 3)) } };
}

describe("POST /api/replay (event replay from the archive)", () => {
	it("replayed twice, leaves every table as if each event were processed once", async () => {
		const { users, events, range } = scenario(1);
		// Out of order, as a queue may deliver them.
		await processEvents([...events].reverse());
		const once = await derivedState(users);
		const counters = await readPipelineCounters(env.DB);
		expect(once.usage).toHaveLength(2);
		expect(once.subscriptions).toMatchObject([{ plan: "pro", amount: 29 }]);

		for (let i = 0; i < 2; i++) {
			const body = await adminJson<Record<string, unknown>>("/api/replay", { method: "POST", body: JSON.stringify(range) });
			expect(body).toMatchObject({ reprocessed: expect.any(Number), failed: [], complete: true, next_cursor: null, newly_processed: 0 });
			expect(body.reprocessed as number).toBeGreaterThanOrEqual(events.length);
		}
		expect(await derivedState(users)).toEqual(once);
		expect(await readPipelineCounters(env.DB)).toEqual(counters);
	});

	it("processes previously unhandled events once their type has a handler, and rewrites after a handler fix", async () => {
		const { users, events, range } = scenario(10);
		await processEvents(events);
		const before = await readPipelineCounters(env.DB);
		const future = events.at(-1)!;

		handlers.set("future_type", {
			type: "future_type",
			schema: original.get("usage_tracked")!.schema,
			tables: { usage_records: usageRecordsTable },
			derive: (event, occurredAt) => ({
				usage_records: [
					{
						event_id: event.event_id,
						user_id: event.user_id ?? null,
						feature: "seats",
						quantity: Number(event.metadata?.seats),
						occurred_at: occurredAt,
					},
				],
			}),
		});
		const usage = original.get("usage_tracked")!;
		// A "fixed" usage handler: doubles every quantity.
		handlers.set("usage_tracked", {
			type: "usage_tracked",
			schema: usage.schema,
			tables: usage.tables,
			derive: (event, at) => ({ usage_records: usage.derive(event, at).usage_records?.map((r) => ({ ...r, quantity: r.quantity * 2 })) }),
		});

		for (let i = 0; i < 2; i++) {
			const result = await replayArchive(env.DB, env.PAYLOADS, { ...range, event_type: undefined }, null, []);
			expect(result.newly_processed).toBe(i === 0 ? 1 : 0);
			expect(result.failed).toEqual([]);
		}
		const after = await derivedState(users);
		expect(after.events.find((e) => e.event_id === future.event_id)).toMatchObject({ status: "processed" });
		expect(after.usage.map((u) => [u.feature, u.quantity]).sort()).toEqual([
			["api", 6],
			["api", 8],
			["seats", 5],
		]);
		const counters = await readPipelineCounters(env.DB);
		expect(counters.processed - before.processed).toBe(1);
		expect(counters.unhandled - before.unhandled).toBe(-1);
	});

	it("reports events today's handler rejects and leaves them as they were", async () => {
		const { events, range } = scenario(20);
		await processEvents(events);
		// A handler for the type whose validation the stored data fails.
		handlers.set("future_type", { ...original.get("subscription_created")!, type: "future_type" });
		const result = await replayArchive(env.DB, env.PAYLOADS, { ...range, event_type: "future_type" }, null, []);
		expect(result.scanned).toBe(1);
		expect(result.failed).toEqual([{ event_id: events.at(-1)!.event_id, error: expect.stringContaining("metadata.plan") }]);
		const row = await env.DB.prepare("SELECT status FROM events WHERE event_id = ?").bind(events.at(-1)!.event_id).first();
		expect(row).toEqual({ status: "unhandled" });
	});

	it("validates the range, naming the parameter", async () => {
		await expectBadParam("/api/replay", "from", { method: "POST", body: JSON.stringify({ to: day(2) }) });
		await expectBadParam("/api/replay", "to", { method: "POST", body: JSON.stringify({ from: day(3), to: day(2) }) });
		await expectBadParam("/api/replay", "event_type", {
			method: "POST",
			body: JSON.stringify({ from: day(1), to: day(2), event_type: "" }),
		});
		await expectBadParam("/api/replay", "cursor", { method: "POST", body: JSON.stringify({ from: day(1), to: day(2), cursor: "zzz" }) });
		const res = await admin("/api/replay", { method: "POST", body: "{not json" });
		expect(res.status).toBe(400);
	});
});

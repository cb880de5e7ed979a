import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { attemptStatements } from "../../src/consumer/writes";
import { shardFor, shardName } from "../../src/idempotency/shard";
import { readPipelineState } from "../../src/metrics/pipeline-state";
import { countRows, validEvent } from "../support/builders";
import { admin, adminJson, processEvents } from "./helpers";

type Stats = { backlog: { pending: number; oldest_pending_age_ms: number | null; oldest_pending_event_id: string | null } };

// An event the ingest path accepted (claim committed) that the consumer has
// not stored yet: what the backlog counts.
async function acceptWithoutProcessing(eventId: string) {
	const shard = env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(shardName(shardFor(eventId, 16))));
	await runInDurableObject(shard, async (instance) => {
		await instance.claim([{ eventId, bodyHash: "h" }], "backlog-test");
		await instance.commit([eventId], "backlog-test");
	});
}

// The idempotency window has passed for this id: its claim has expired, as
// it does after IDEMPOTENCY_TTL_SECONDS, so it can be accepted again.
async function expireClaim(eventId: string) {
	const shard = env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(shardName(shardFor(eventId, 16))));
	// Committed claims live in one table per generation of the window.
	await runInDurableObject(shard, async (_instance, state) => {
		const tables = state.storage.sql
			.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'claims_g%'")
			.toArray();
		for (const { name } of tables) state.storage.sql.exec(`UPDATE ${name} SET expires_at = 0 WHERE event_id = ?`, eventId);
	});
}

// Tests store events without going through ingest: even the books so the
// backlog starts from what this file accepted, then return it.
async function evenBacklog(): Promise<number> {
	const state = await readPipelineState(env);
	const settled = state.processed + state.unhandled + state.redelivered + state.dead_letters.open + state.dead_letters.discarded;
	for (let i = 0; i < settled - state.accepted; i++) await acceptWithoutProcessing(`evt_filler_${crypto.randomUUID()}`);
	return (await adminJson<Stats>("/api/stats")).backlog.pending;
}

describe("backlog in GET /api/stats and /metrics", () => {
	it("counts accepted events not yet stored or dead-lettered, and ages the oldest one still retrying", async () => {
		const base = await evenBacklog();

		const retrying = `evt_retrying_${crypto.randomUUID()}`;
		await acceptWithoutProcessing(retrying);
		await acceptWithoutProcessing(`evt_queued_${crypto.randomUUID()}`);
		const firstFailure = Date.now() - 30_000;
		await env.DB.batch(attemptStatements(env.DB, [{ event_id: retrying, attempt: 1, error: "TransientError", failed_at: firstFailure }]));

		const stats = await adminJson<Stats>("/api/stats");
		expect(stats.backlog.pending).toBe(base + 2);
		expect(stats.backlog.oldest_pending_event_id).toBe(retrying);
		expect(stats.backlog.oldest_pending_age_ms).toBeGreaterThanOrEqual(30_000);
		expect(await (await admin("/metrics")).text()).toContain(`webhook_backlog_events ${base + 2}\n`);

		// Once stored, it is no longer pending.
		await processEvents([validEvent("user_signup", { event_id: retrying })]);
		const later = await adminJson<Stats>("/api/stats");
		expect(later.backlog.pending).toBe(base + 1);
		expect(later.backlog.oldest_pending_event_id).toBeNull();
	});
});

describe("backlog when an event is accepted more than once", () => {
	it("goes back to where it was once an event resent after the idempotency window is processed twice", async () => {
		// One accepted event still pending keeps the gauge above zero, so a
		// count below the truth could not hide behind the clamp at 0.
		await acceptWithoutProcessing(`evt_pending_${crypto.randomUUID()}`);
		const base = await evenBacklog();
		expect(base).toBeGreaterThan(0);

		const event = validEvent("usage_tracked");
		const firstArrival = Date.now() - 2 * 86_400_000;
		await acceptWithoutProcessing(event.event_id);
		await processEvents([event], 1, firstArrival);
		// The sender resends the same body after the window: accepted again, a
		// second queue message, whose events insert changes nothing.
		await expireClaim(event.event_id);
		await acceptWithoutProcessing(event.event_id);
		await processEvents([event], 1, firstArrival + 86_400_001);

		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", event.event_id)).toBe(1);
		expect((await adminJson<Stats>("/api/stats")).backlog.pending).toBe(base);
		expect(await (await admin("/metrics")).text()).toContain(`webhook_backlog_events ${base}\n`);
	});

	it("is not lowered when the queue delivers the message that stored an event again", async () => {
		await acceptWithoutProcessing(`evt_pending_${crypto.randomUUID()}`);
		const base = await evenBacklog();
		expect(base).toBeGreaterThan(0);

		const event = validEvent("user_signup");
		const arrival = Date.now() - 1_000;
		await acceptWithoutProcessing(event.event_id);
		await processEvents([event], 1, arrival);
		await processEvents([event], 2, arrival);
		await processEvents([event], 2, arrival);

		expect((await adminJson<Stats>("/api/stats")).backlog.pending).toBe(base);
	});
});

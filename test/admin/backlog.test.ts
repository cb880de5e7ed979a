import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { attemptStatements } from "../../src/consumer/writes";
import { shardFor, shardName } from "../../src/idempotency/shard";
import { readPipelineState } from "../../src/metrics/pipeline-state";
import { validEvent } from "../support/builders";
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

describe("backlog in GET /api/stats and /metrics", () => {
	it("counts accepted events not yet stored or dead-lettered, and ages the oldest one still retrying", async () => {
		// Tests store events without going through ingest; even the books first.
		const state = await readPipelineState(env);
		const settled = state.processed + state.unhandled + state.dead_letters.open + state.dead_letters.discarded;
		for (let i = 0; i < settled - state.accepted; i++) await acceptWithoutProcessing(`evt_filler_${crypto.randomUUID()}`);
		const base = (await adminJson<Stats>("/api/stats")).backlog.pending;

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

import { shardCounters } from "../idempotency/client";
import { configFor } from "../shared/config";
import { cumulate, type Histogram } from "./histogram";
import { type PipelineCounters, readPipelineCounters } from "./pipeline-counters";

export interface DeadLetterCounts {
	open: number;
	replayed: number;
	discarded: number;
}

// Durable totals from D1 (trigger-kept counters) and the idempotency objects.
export interface PipelineState extends PipelineCounters {
	accepted: number;
	duplicates: number;
	conflicts: number;
	live_claims: number;
	shard_rows_written: number;
	dead_letters: DeadLetterCounts;
	backlog: number;
}

// Accepted but not yet settled. Settled = stored in events, found already
// stored (a later acceptance of a stored event: redelivered), or
// dead-lettered and still open or discarded; a replayed letter is pending
// again until its event lands in events. Clamped: the counters are read a
// moment apart.
export function backlogOf(s: Omit<PipelineState, "backlog">): number {
	// Discarded letters deleted by retention stay settled.
	const settled =
		s.processed + s.unhandled + s.redelivered + s.dead_letters.open + s.dead_letters.discarded + s.dead_letters_discarded_pruned;
	return Math.max(0, s.accepted - settled);
}

async function deadLetterCounts(db: D1Database): Promise<DeadLetterCounts> {
	const { results } = await db
		.prepare("SELECT status, count(*) AS n FROM dead_letters GROUP BY status")
		.all<{ status: keyof DeadLetterCounts; n: number }>();
	const counts: DeadLetterCounts = { open: 0, replayed: 0, discarded: 0 };
	for (const r of results) counts[r.status] = r.n;
	return counts;
}

export async function readPipelineState(env: Env): Promise<PipelineState> {
	const [stored, claims, deadLetters] = await Promise.all([
		readPipelineCounters(env.DB),
		shardCounters(env.IDEMPOTENCY, configFor(env).idempotencyShards),
		deadLetterCounts(env.DB),
	]);
	const { accepted, duplicates, conflicts, live_claims, rows_written: shard_rows_written } = claims;
	const state = { accepted, duplicates, conflicts, live_claims, shard_rows_written, ...stored, dead_letters: deadLetters };
	return { ...state, backlog: backlogOf(state) };
}

// End-to-end latency histogram: per-bucket counts the consumer adds per
// batch (src/consumer/writes.ts, migrations/0011_lean_writes.sql).
export async function readE2eHistogram(db: D1Database): Promise<Histogram> {
	const [buckets, totals] = await db.batch([
		db.prepare("SELECT le, count FROM e2e_latency_counts ORDER BY le"),
		db.prepare(
			"SELECT coalesce(sum(CASE WHEN name IN ('processed', 'unhandled') THEN value END), 0) AS count, coalesce(sum(CASE WHEN name = 'e2e_latency_ms_sum' THEN value END), 0) AS sum FROM pipeline_counters",
		),
	]);
	const rows = (buckets?.results ?? []) as { le: number; count: number }[];
	const total = (totals?.results[0] ?? { count: 0, sum: 0 }) as { count: number; sum: number };
	const perBucket = new Map(rows.map((r) => [r.le, r.count]));
	return cumulate(
		rows.map((r) => r.le),
		perBucket,
		total.count,
		total.sum,
	);
}

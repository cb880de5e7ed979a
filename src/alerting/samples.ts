import { readDestinationStatus } from "../forwarding/metrics";
import { ingestSnapshot } from "../metrics/client";
import { readPipelineState } from "../metrics/pipeline-state";
import { logLine } from "../shared/log";
import { CONFIG_REFUSAL_REASONS, type MetricsSample, type RulesConfig } from "./core/rules";

// One sample per evaluation, from the same durable state /metrics reads (D1
// counters, the idempotency objects, the ingest-metrics objects for ack
// latency, the destinations' breakers), kept in D1 so every isolate and the
// cron see the same history.

// Samples older than this are deleted: far more than the longest rule window.
export const SAMPLE_RETENTION_MS = 3 * 60 * 60_000;

export async function takeSample(env: Env, now: number): Promise<MetricsSample> {
	const [state, ingest, destinations] = await Promise.all([
		readPipelineState(env),
		// Without the ack histogram only that rule reports no data.
		ingestSnapshot(env.INGEST_METRICS, now).then(
			(s) => ({
				ack: { buckets: s.ack.buckets, count: s.ack.count },
				refusals: Object.fromEntries(CONFIG_REFUSAL_REASONS.map((r) => [r, s.rejected[r] ?? 0])),
			}),
			(err) => {
				logLine("warn", "alert_sample_ack_unavailable", { error: String(err) });
				return null;
			},
		),
		readDestinationStatus(env.DB),
	]);
	return {
		at: now,
		backlog: state.backlog,
		settled_total: state.processed + state.unhandled + state.dead_lettered,
		failed_total: state.dead_lettered,
		dead_letters_total: state.dead_lettered,
		ack: ingest?.ack ?? null,
		...(ingest ? { config_refusals: ingest.refusals } : {}),
		paused_destinations: destinations.flatMap((d) => (d.paused ? [{ id: d.id, name: d.name, reason: d.paused }] : [])),
	};
}

// The history the rules need: the longest window plus the sample before it.
export function historyMs(rules: RulesConfig): number {
	return Math.max(rules.backlog_high.for_ms, rules.failure_rate_high.window_ms, rules.ack_p95_high.window_ms) + 10 * 60_000;
}

// Stores the sample, prunes old ones and returns the series up to it.
export async function recordAndLoad(db: D1Database, sample: MetricsSample, sinceMs: number): Promise<MetricsSample[]> {
	const [, , series] = await db.batch([
		db
			.prepare("INSERT INTO alert_samples (at, sample) VALUES (?, ?) ON CONFLICT (at) DO UPDATE SET sample = excluded.sample")
			.bind(sample.at, JSON.stringify(sample)),
		db.prepare("DELETE FROM alert_samples WHERE at < ?").bind(sample.at - SAMPLE_RETENTION_MS),
		db.prepare("SELECT sample FROM alert_samples WHERE at >= ? AND at <= ? ORDER BY at").bind(sample.at - sinceMs, sample.at),
	]);
	return ((series?.results ?? []) as { sample: string }[]).map((r) => JSON.parse(r.sample) as MetricsSample);
}

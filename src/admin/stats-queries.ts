import type { EventRow } from "../shared/event-row";
import { percentileOffset } from "./stats-math";

// Everything GET /api/stats reads from D1 for a processed_at window. The
// events reads are served by the events_stats covering index (0002_admin.sql),
// named explicitly: without table statistics SQLite may otherwise walk
// events_type_time for the GROUP BY and read every row of the table (it did
// once migration 0004 widened the table). The query-plan test reads this SQL.
export const STATS_BY_TYPE_SQL = `SELECT event_type, status, count(*) AS n, sum(attempts = 1) AS first_try
	FROM events INDEXED BY events_stats WHERE processed_at >= ? GROUP BY event_type, status`;

export interface TypeCounts {
	event_type: string;
	processed: number;
	unhandled: number;
	dead_lettered: number;
}

export const PERCENTILES = [50, 95, 99] as const;

export async function windowStats(db: D1Database, since: number, bucketMs: number) {
	const [byStatus, deadByType, series, latency] = await db.batch([
		db.prepare(STATS_BY_TYPE_SQL).bind(since),
		db
			.prepare("SELECT coalesce(event_type, '(unknown)') AS event_type, count(*) AS n FROM dead_letters WHERE failed_at >= ? GROUP BY 1")
			.bind(since),
		db
			.prepare(
				"SELECT CAST(processed_at / ?1 AS INTEGER) * ?1 AS t, count(*) AS n FROM events WHERE processed_at >= ?2 GROUP BY 1 ORDER BY 1",
			)
			.bind(bucketMs, since),
		db.prepare("SELECT count(*) AS n, max(latency_ms) AS max, avg(latency_ms) AS mean FROM events WHERE processed_at >= ?").bind(since),
	]);

	const types = new Map<string, TypeCounts>();
	const typeRow = (event_type: string) => {
		const row = types.get(event_type) ?? { event_type, processed: 0, unhandled: 0, dead_lettered: 0 };
		types.set(event_type, row);
		return row;
	};
	let firstTry = 0;
	for (const r of (byStatus?.results ?? []) as (Pick<EventRow, "event_type" | "status"> & { n: number; first_try: number })[]) {
		typeRow(r.event_type)[r.status] += r.n;
		firstTry += r.first_try;
	}
	for (const r of (deadByType?.results ?? []) as { event_type: string; n: number }[]) typeRow(r.event_type).dead_lettered += r.n;

	const summary = (latency?.results[0] ?? { n: 0, max: null, mean: null }) as { n: number; max: number | null; mean: number | null };
	return {
		byType: [...types.values()].sort(
			(a, b) => b.processed + b.unhandled - (a.processed + a.unhandled) || a.event_type.localeCompare(b.event_type),
		),
		firstTry,
		series: (series?.results ?? []) as { t: number; n: number }[],
		latency: {
			count: summary.n,
			max: summary.max,
			mean: summary.mean === null ? null : Math.round(summary.mean),
			...(await percentiles(db, since, summary.n)),
		},
	};
}

// Nearest-rank p50/p95/p99 of latency_ms: one ordered read per percentile,
// straight off the covering index range.
async function percentiles(db: D1Database, since: number, n: number): Promise<Record<`p${(typeof PERCENTILES)[number]}`, number | null>> {
	if (n === 0) return { p50: null, p95: null, p99: null };
	const rows = await db.batch(
		PERCENTILES.map((p) =>
			db
				.prepare("SELECT latency_ms FROM events WHERE processed_at >= ? ORDER BY latency_ms LIMIT 1 OFFSET ?")
				.bind(since, percentileOffset(p, n)),
		),
	);
	const at = (i: number) => (rows[i]?.results[0] as { latency_ms: number } | undefined)?.latency_ms ?? null;
	return { p50: at(0), p95: at(1), p99: at(2) };
}

// The oldest event still retrying: failed at least once, and neither stored
// nor dead-lettered yet. Its first failure time bounds how long it has waited.
export async function oldestRetrying(db: D1Database): Promise<{ event_id: string; first_failed_at: number } | null> {
	return db
		.prepare(
			`SELECT a.event_id, a.failed_at AS first_failed_at FROM event_attempts a
			 WHERE a.attempt = (SELECT min(attempt) FROM event_attempts b WHERE b.event_id = a.event_id)
			   AND NOT EXISTS (SELECT 1 FROM events e WHERE e.event_id = a.event_id)
			   AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.event_id = a.event_id AND d.status <> 'replayed')
			 ORDER BY a.failed_at LIMIT 1`,
		)
		.first();
}

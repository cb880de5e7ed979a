export interface PipelineCounters {
	processed: number;
	unhandled: number;
	dead_lettered: number;
	retried: number;
	// Later acceptances of events already stored (migrations/0005_hardening.sql).
	redelivered: number;
	// Storage jobs (migrations/0010_archive.sql, src/retention/).
	retention_deleted: number;
	archive_backfilled: number;
	archive_orphans_deleted: number;
	// Discarded dead letters retention deleted: still settled for the backlog.
	dead_letters_discarded_pruned: number;
}

// Totals kept by the consumer's writes (processed, unhandled: migrations/0011_lean_writes.sql) and
// by triggers (0001_events.sql, 0005_hardening.sql).
export async function readPipelineCounters(db: D1Database): Promise<PipelineCounters> {
	const { results } = await db.prepare("SELECT name, value FROM pipeline_counters").all<{ name: string; value: number }>();
	const byName = new Map(results.map((r) => [r.name, r.value]));
	return {
		processed: byName.get("processed") ?? 0,
		unhandled: byName.get("unhandled") ?? 0,
		dead_lettered: byName.get("dead_lettered") ?? 0,
		retried: byName.get("retried") ?? 0,
		redelivered: byName.get("redelivered") ?? 0,
		retention_deleted: byName.get("retention_deleted") ?? 0,
		archive_backfilled: byName.get("archive_backfilled") ?? 0,
		archive_orphans_deleted: byName.get("archive_orphans_deleted") ?? 0,
		dead_letters_discarded_pruned: byName.get("dead_letters_discarded_pruned") ?? 0,
	};
}

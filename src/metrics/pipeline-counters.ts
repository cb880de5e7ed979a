export interface PipelineCounters {
	processed: number;
	unhandled: number;
	dead_lettered: number;
	retried: number;
	// Later acceptances of events already stored (migrations/0005_hardening.sql).
	redelivered: number;
}

// Totals kept by the triggers in migrations/0001_events.sql and 0005_hardening.sql.
export async function readPipelineCounters(db: D1Database): Promise<PipelineCounters> {
	const { results } = await db.prepare("SELECT name, value FROM pipeline_counters").all<{ name: string; value: number }>();
	const byName = new Map(results.map((r) => [r.name, r.value]));
	return {
		processed: byName.get("processed") ?? 0,
		unhandled: byName.get("unhandled") ?? 0,
		dead_lettered: byName.get("dead_lettered") ?? 0,
		retried: byName.get("retried") ?? 0,
		redelivered: byName.get("redelivered") ?? 0,
	};
}

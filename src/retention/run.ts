import { configFor } from "../shared/config";
import { logLine } from "../shared/log";
import { RETENTION_STEPS, type RetentionStep } from "./plan";

const DAY_MS = 86_400_000;

export interface RetentionLimits {
	// Rows per DELETE, and DELETEs per step per tick.
	chunk: number;
	chunksPerStep: number;
}

// At the defaults a tick deletes up to 10,000 rows per table: a minute's
// worth of 166 events/s, so retention keeps up with any rate one D1 takes.
export const RETENTION_LIMITS: RetentionLimits = { chunk: 1000, chunksPerStep: 10 };

export interface RetentionResult {
	cutoff: number;
	deleted: Record<string, number>;
	// What D1 reports writing for it (meta.rows_written: the rows, their
	// index entries, the counters), so the bench can amortise it per event.
	rows_written: number;
	// False when a step hit its chunk budget: the next tick continues.
	complete: boolean;
}

// One retention pass, on every scheduled tick. The cutoff is the tick's
// scheduledTime minus RETENTION_DAYS (the archive manifest: minus the
// archive's lifetime), never the clock, so a test drives it through
// /cdn-cgi/local/scheduled?time=…. Idempotent: a second pass at the same
// time finds nothing older than the cutoff left. A failed chunk throws after
// the chunks before it committed (and were counted).
export async function runRetention(env: Env, scheduledTime: number, limits = RETENTION_LIMITS): Promise<RetentionResult> {
	const config = configFor(env);
	const cutoff = scheduledTime - config.retentionDays * DAY_MS;
	const archiveCutoff = scheduledTime - config.archiveLifetimeDays * DAY_MS;
	const result: RetentionResult = { cutoff, deleted: {}, rows_written: 0, complete: true };
	try {
		for (const step of RETENTION_STEPS) {
			const deleted = await runStep(env.DB, step, step.archiveLifetime ? archiveCutoff : cutoff, limits);
			result.deleted[step.table] = (result.deleted[step.table] ?? 0) + deleted.rows;
			result.rows_written += deleted.rowsWritten;
			if (!deleted.complete) result.complete = false;
		}
	} finally {
		logLine("info", "retention", { retention_days: config.retentionDays, ...result });
	}
	return result;
}

async function runStep(db: D1Database, step: RetentionStep, cutoff: number, limits: RetentionLimits) {
	let rows = 0;
	let rowsWritten = 0;
	for (let i = 0; i < limits.chunksPerStep; i++) {
		// The DELETE and its count in one transaction: changes() is the DELETE's.
		const results = await db.batch([
			db.prepare(step.sql).bind(cutoff, limits.chunk),
			...(step.counters.length
				? [
						db
							.prepare(`UPDATE pipeline_counters SET value = value + changes() WHERE name IN (${step.counters.map(() => "?").join(", ")})`)
							.bind(...step.counters),
					]
				: []),
		]);
		const changed = results[0]?.meta?.changes ?? 0;
		rows += changed;
		rowsWritten += results.reduce((n, r) => n + (r.meta?.rows_written ?? 0), 0);
		if (changed < limits.chunk) return { rows, rowsWritten, complete: true };
	}
	return { rows, rowsWritten, complete: false };
}

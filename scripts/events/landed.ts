// Where a generator run's events landed in D1 (events, or open dead letters).
// Runs are selected by their event-id prefix with one primary-key range scan,
// so reconciling tens of thousands of events is one query, not thousands.
import { type D1Target, queryD1, sqlString } from "../stack/d1";
import type { LandedRow } from "./reconcile";

// `event_id >= 'run-' AND event_id < 'run.'`: every id with the prefix, as an
// index range ('.' is the character after '-'), unlike LIKE, which scans.
export function prefixRange(runId: string, column = "event_id"): string {
	return `${column} >= ${sqlString(`${runId}-`)} AND ${column} < ${sqlString(`${runId}.`)}`;
}

// Which rows are a run's. Generated events carry the run id as their id
// prefix; provider deliveries are stored as "<source>:<provider id>", so a
// providers run names its ids, plus where a row would be if something that
// must never be stored (a Slack challenge) had been: a stray.
export type RunSelection = { runId: string } | { ids: readonly string[]; strays?: readonly { source: string; contains: string }[] };

function selectionWhere(select: RunSelection, withStrays: boolean): string {
	if ("runId" in select) return prefixRange(select.runId);
	const ids = select.ids.length ? `event_id IN (${select.ids.map(sqlString).join(", ")})` : "0";
	const strays = withStrays ? (select.strays ?? []) : [];
	// source narrows the scan to one source's rows (events_source_time).
	return [ids, ...strays.map((s) => `(source = ${sqlString(s.source)} AND instr(payload, ${sqlString(s.contains)}) > 0)`)].join(" OR ");
}

export function landedRowsSql(select: RunSelection): string {
	const where = selectionWhere(select, true);
	return [
		`SELECT event_id, 'events' AS "table", latency_ms, NULL AS error, status, event_type FROM events WHERE ${where}`,
		`SELECT event_id, 'dead_letters' AS "table", NULL AS latency_ms, error, 'dead_lettered' AS status, event_type FROM dead_letters WHERE (${where}) AND status = 'open'`,
	].join(" UNION ALL ");
}

// Strays are left out: one must not make the run look drained.
export function landedCountSql(select: RunSelection): string {
	const where = selectionWhere(select, false);
	return `SELECT (SELECT count(*) FROM events WHERE ${where}) + (SELECT count(*) FROM dead_letters WHERE (${where}) AND status = 'open') AS n`;
}

export function landedRows(target: D1Target, select: RunSelection): Promise<LandedRow[]> {
	return queryD1<LandedRow>(target, landedRowsSql(select));
}

export async function landedCount(target: D1Target, select: RunSelection): Promise<number> {
	const [row] = await queryD1<{ n: number }>(target, landedCountSql(select));
	return row?.n ?? 0;
}

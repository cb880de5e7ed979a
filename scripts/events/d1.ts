// Reads D1 the way an operator does: `wrangler d1 execute DB --json`, local
// (optionally from a given persist dir) or --remote for a deployed stack.
// Runs are selected by their event-id prefix with one primary-key range scan,
// so reconciling tens of thousands of events is one query, not thousands.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { LandedRow } from "./reconcile";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

export interface D1Target {
	remote?: boolean;
	persistDir?: string;
	// Where wrangler.toml is (default: this repo).
	configDir?: string;
}

export function d1ExecuteArgs(target: D1Target, sql: string): string[] {
	const where = target.remote ? ["--remote"] : ["--local", ...(target.persistDir ? ["--persist-to", target.persistDir] : [])];
	return ["d1", "execute", "DB", ...where, "--json", "--command", sql];
}

// A local read runs beside the stack's own writer on the same SQLite file:
// under a heavy drain it can find the database locked. That is a busy
// reader, not a wrong answer, so it is retried a few times.
const LOCKED = /SQLITE_BUSY|database is locked/;
const QUERY_ATTEMPTS = 5;

export function isLockedError(err: unknown): boolean {
	const e = err as { message?: unknown; stderr?: unknown };
	return LOCKED.test(`${String(e?.message ?? "")}\n${String(e?.stderr ?? "")}`);
}

export async function queryD1<T>(target: D1Target, sql: string): Promise<T[]> {
	for (let attempt = 1; ; attempt++) {
		try {
			const { stdout } = await run(WRANGLER, d1ExecuteArgs(target, sql), {
				cwd: target.configDir ?? ROOT,
				maxBuffer: 512 * 1024 * 1024,
				timeout: 120_000,
				env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
			});
			const parsed = JSON.parse(stdout) as { results: T[] }[];
			return parsed.flatMap((p) => p.results);
		} catch (err) {
			if (attempt >= QUERY_ATTEMPTS || !isLockedError(err)) throw err;
			await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
		}
	}
}

export function sqlString(value: string): string {
	return `'${value.replaceAll("'", "''")}'`;
}

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

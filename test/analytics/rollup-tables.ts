import { env } from "cloudflare:workers";

// The rollup tables as comparable data: rows ordered by key, per-hour JSON
// parsed, and zeros left out (a row or hour a move emptied reads like one
// never written). Numbers to 9 decimals: sums in another order differ only in
// the last bits.

const TABLES = {
	signups_daily: "day, source, plan",
	funnel_daily: "day, lag",
	mrr_daily: "day, plan, currency",
	payments_daily: "day, currency",
	usage_daily: "day, feature",
	usage_user_periods: "user_id, period",
} as const;

const KEYS = new Set(["day", "source", "plan", "lag", "currency", "feature", "user_id", "period"]);
const round = (v: number) => Math.round(v * 1e9) / 1e9;

function normalise(row: Record<string, unknown>): Record<string, unknown> | null {
	const out: Record<string, unknown> = {};
	let nonZero = false;
	for (const [column, value] of Object.entries(row)) {
		if (KEYS.has(column)) out[column] = value;
		else if (typeof value === "string") {
			const hours = Object.entries(JSON.parse(value) as Record<string, number>)
				.map(([h, v]) => [h, round(v)] as const)
				.filter(([, v]) => v !== 0);
			out[column] = Object.fromEntries(hours.sort(([a], [b]) => Number(a) - Number(b)));
			nonZero ||= hours.length > 0;
		} else {
			out[column] = round(Number(value));
			nonZero ||= out[column] !== 0;
		}
	}
	return nonZero ? out : null;
}

const selects = () => Object.entries(TABLES).map(([table, key]) => env.DB.prepare(`SELECT * FROM ${table} ORDER BY ${key}`));

function snapshot(results: D1Result[]): Record<string, unknown[]> {
	return Object.fromEntries(
		Object.keys(TABLES).map((table, i) => [
			table,
			(results[i]?.results ?? []).map((r) => normalise(r as Record<string, unknown>)).filter(Boolean),
		]),
	);
}

export async function rollupTables(): Promise<Record<string, unknown[]>> {
	return snapshot(await env.DB.batch(selects()));
}

// The statements of migrations/0007_rollups.sql that fill the rollups from
// the base tables (not those creating tables, views or triggers).
function backfill(): string[] {
	const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0007_"));
	if (!migration) throw new Error("0007 migration not found");
	return migration.queries.filter(
		(q) => !/CREATE (TABLE|VIEW|TRIGGER|INDEX)/.test(q) && /INSERT INTO \w+_add|UPDATE users SET subscribed_at/.test(q),
	);
}

// The rollups as the triggers left them, and as the migration's backfill
// builds them from the base tables now: emptied and refilled inside one D1
// batch (one transaction), so nothing else ever sees them half built.
export async function rollupsAndBackfill(): Promise<{
	kept: Record<string, unknown[]>;
	rebuilt: Record<string, unknown[]>;
	statements: number;
}> {
	const statements = backfill();
	const before = selects();
	const clear = Object.keys(TABLES).map((table) => env.DB.prepare(`DELETE FROM ${table}`));
	const results = await env.DB.batch([...before, ...clear, ...statements.map((sql) => env.DB.prepare(sql)), ...selects()]);
	return {
		kept: snapshot(results.slice(0, before.length)),
		rebuilt: snapshot(results.slice(-before.length)),
		statements: statements.length,
	};
}

// mrr_ledger (trigger-kept since 0003) against the ledger rebuilt from
// subscription_changes the way 0003's backfill builds it.
export async function ledgerAndRebuilt(): Promise<{ kept: unknown[]; rebuilt: unknown[] }> {
	const columns = "event_id, kind, at, plan, currency, round(mrr, 6) AS mrr, subscriptions";
	const [kept, rebuilt] = await env.DB.batch([
		env.DB.prepare(`SELECT ${columns} FROM mrr_ledger ORDER BY event_id, kind`),
		env.DB.prepare(`SELECT ${columns} FROM (
			SELECT event_id, 'start' AS kind, occurred_at AS at, plan, currency, monthly_amount AS mrr, 1 AS subscriptions
			FROM subscription_changes WHERE status IN ('active', 'past_due')
			UNION ALL
			SELECT event_id, 'end', ended_at, plan, currency, -monthly_amount, -1 FROM (
				SELECT *, lead(occurred_at) OVER (PARTITION BY subscription_id ORDER BY occurred_at, event_id) AS ended_at FROM subscription_changes
			) WHERE status IN ('active', 'past_due') AND ended_at IS NOT NULL
		) ORDER BY event_id, kind`),
	]);
	return { kept: kept?.results ?? [], rebuilt: rebuilt?.results ?? [] };
}

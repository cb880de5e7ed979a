import { toNullProtoRecord } from "../../shared/counters";
import type * as z from "../../zod/mini";
import { bucketSql, cents, DAY_MS, edgeRows, emptySeries, iso, splitBinds, type TimeRange } from "../buckets";
import type { RangeQuery } from "../params";
import type { mrrSchema } from "../schemas";
import { type AnalyticsStatement, hoursOf, windowOf } from "./statement";

// Subscription statuses that earn recurring revenue: the same list as the
// mrr_ledger trigger in migrations/0003_analytics.sql.
export const MRR_STATUSES = ["active", "past_due"] as const;

// MRR is a running sum over mrr_ledger (kept by a trigger): each earning
// subscription change adds its monthly amount when it starts and takes it
// away when the subscription's next change replaces it. mrr_daily holds the
// ledger's sum per UTC day (and per hour of it), so a sum up to any time is
// the whole days from mrr_daily plus the ledger rows of the partial day.

// Everything before `from`: every day before from's day, then that day's
// ledger rows before `from` (mrr_ledger_time). ?2 is from's UTC midnight.
export const mrrOpeningStatement: AnalyticsStatement<RangeQuery> = {
	name: "mrr_opening",
	sql: `SELECT NULL AS bucket, plan, currency, sum(mrr) AS mrr, sum(subscriptions) AS subscriptions
FROM (
	SELECT plan, currency, mrr, subscriptions FROM mrr_daily WHERE day < ?2
	UNION ALL
	SELECT plan, currency, mrr, subscriptions FROM mrr_ledger WHERE at >= ?2 AND at < ?1
)
GROUP BY plan, currency`,
	binds: (q) => [q.range.from, Math.floor(q.range.from / DAY_MS) * DAY_MS],
};

// The changes inside the window, per bucket: whole days from mrr_daily...
export const mrrDailyStatement: AnalyticsStatement<RangeQuery> = {
	name: "mrr_daily",
	sql: `SELECT ${bucketSql("day")} AS bucket, plan, currency, sum(mrr) AS mrr, sum(subscriptions) AS subscriptions
FROM mrr_daily
WHERE day >= ?5 AND day < ?6
GROUP BY 1, 2, 3`,
	binds: (q) => splitBinds(q.range),
};

// ...or, for hour buckets, each whole day's row with its per-hour sums...
export const mrrHoursStatement: AnalyticsStatement<RangeQuery> = {
	name: "mrr_hours",
	sql: `SELECT day, plan, currency, hour_mrr, hour_subscriptions
FROM mrr_daily
WHERE day >= ?5 AND day < ?6`,
	binds: (q) => splitBinds(q.range),
};

// ...and the partial days at the edges from the ledger (mrr_ledger_time).
export const mrrEdgesStatement: AnalyticsStatement<RangeQuery> = {
	name: "mrr_edges",
	sql: `SELECT ${bucketSql("at")} AS bucket, plan, currency, sum(mrr) AS mrr, sum(subscriptions) AS subscriptions
FROM ${edgeRows("mrr_ledger", "at", "at, plan, currency, mrr, subscriptions")}
GROUP BY 1, 2, 3`,
	binds: (q) => splitBinds(q.range),
};

// What GET /mrr reads: the opening, the rollup, then the edges.
export const mrrReads = (q: RangeQuery) => [
	mrrOpeningStatement,
	q.range.interval === "hour" ? mrrHoursStatement : mrrDailyStatement,
	mrrEdgesStatement,
];

export interface MrrDeltaRow {
	bucket: number | null;
	plan: string;
	currency: string;
	mrr: number;
	subscriptions: number;
}

interface MrrHoursRow {
	day: number;
	plan: string;
	currency: string;
	hour_mrr: string;
	hour_subscriptions: string;
}

// The rows mrrReads answered, as MrrDeltaRows (the opening's bucket is NULL).
export function mrrRows(q: RangeQuery, [opening = [], rollup = [], edges = []]: unknown[][]): MrrDeltaRow[] {
	const changes =
		q.range.interval !== "hour"
			? (rollup as MrrDeltaRow[])
			: (rollup as MrrHoursRow[]).flatMap(({ day, plan, currency, hour_mrr, hour_subscriptions }) =>
					hoursOf(day, hour_mrr, hour_subscriptions).map(({ at, values: [mrr = 0, subscriptions = 0] }) => ({
						bucket: at,
						plan,
						currency,
						mrr,
						subscriptions,
					})),
				);
	return [...(opening as MrrDeltaRow[]), ...changes, ...(edges as MrrDeltaRow[])];
}

type ByCurrency = z.infer<typeof mrrSchema>["current"];
type Level = Omit<ByCurrency[string], "by_plan">;

type Levels = Map<string, Level>; // key: `${currency}\u0000${plan}`

const keyOf = (currency: string, plan: string) => `${currency}\u0000${plan}`;

function apply(levels: Levels, row: MrrDeltaRow): void {
	const key = keyOf(row.currency, row.plan);
	const level = levels.get(key) ?? { mrr: 0, subscriptions: 0 };
	level.mrr += Number(row.mrr);
	level.subscriptions += Number(row.subscriptions);
	levels.set(key, level);
}

// MRR and earning subscriptions per currency, and per plan within each
// currency; amounts in different currencies are never added together. Plan
// names come from senders ("__proto__" included): grouped in Maps, answered
// as null-prototype records.
function snapshot(levels: Levels): ByCurrency {
	const byCurrency = new Map<string, Level & { by_plan: Map<string, Level> }>();
	for (const [key, level] of [...levels].sort(([a], [b]) => (a < b ? -1 : 1))) {
		const [currency, plan] = key.split("\u0000") as [string, string];
		if (level.subscriptions === 0 && Math.abs(level.mrr) < 0.005) continue;
		const total = byCurrency.get(currency) ?? { mrr: 0, subscriptions: 0, by_plan: new Map<string, Level>() };
		byCurrency.set(currency, total);
		total.mrr = cents(total.mrr + level.mrr);
		total.subscriptions += level.subscriptions;
		total.by_plan.set(plan, { mrr: cents(level.mrr), subscriptions: level.subscriptions });
	}
	return toNullProtoRecord(
		new Map([...byCurrency].map(([currency, total]) => [currency, { ...total, by_plan: toNullProtoRecord(total.by_plan) }])),
	);
}

// Replays the ledger bucket by bucket, after the opening rows (bucket NULL): each point is the MRR at the end of
// its bucket (or at `to` for the last, partial one).
export function shapeMrr(range: TimeRange, rows: readonly MrrDeltaRow[]): z.infer<typeof mrrSchema> {
	const levels: Levels = new Map();
	const byBucket = new Map<number, MrrDeltaRow[]>();
	for (const row of rows) {
		if (row.bucket === null) apply(levels, row);
		else byBucket.set(Number(row.bucket), (byBucket.get(Number(row.bucket)) ?? []).concat(row));
	}
	const opening = snapshot(levels);
	const series = [...emptySeries(range, () => null).keys()].map((bucket) => {
		for (const row of byBucket.get(bucket) ?? []) apply(levels, row);
		return { bucket: iso(bucket), by_currency: snapshot(levels) };
	});
	return {
		...windowOf(range),
		statuses: [...MRR_STATUSES],
		opening,
		current: series.at(-1)?.by_currency ?? opening,
		series,
	};
}

import { sumBy, toNullProtoRecord } from "../../shared/counters";
import type * as z from "../../zod/mini";
import { bucketSql, edgeRows, iso, rowsByBucket, splitBinds, type TimeRange } from "../buckets";
import type { RangeQuery } from "../params";
import type { signupsSchema } from "../schemas";
import { type AnalyticsStatement, hoursOf, UNKNOWN, windowOf } from "./statement";

// One row per (bucket, source, plan): whole UTC days from signups_daily
// (kept by triggers, migrations/0007_rollups.sql), the partial days at the
// window's edges from users (covering index users_signup_cover). Users are
// counted once, at their first signup, in both.
export const signupsDailyStatement: AnalyticsStatement<RangeQuery> = {
	name: "signups_daily",
	sql: `SELECT ${bucketSql("day")} AS bucket, nullif(source, '') AS source, nullif(plan, '') AS plan, sum(signups) AS signups
FROM signups_daily
WHERE day >= ?5 AND day < ?6
GROUP BY 1, 2, 3
HAVING sum(signups) > 0`,
	binds: (q) => splitBinds(q.range),
};

// Hour buckets: each whole day's row with its per-hour counts.
export const signupsHoursStatement: AnalyticsStatement<RangeQuery> = {
	name: "signups_hours",
	sql: `SELECT day, nullif(source, '') AS source, nullif(plan, '') AS plan, hours
FROM signups_daily
WHERE day >= ?5 AND day < ?6 AND signups > 0`,
	binds: (q) => splitBinds(q.range),
};

export const signupsEdgesStatement: AnalyticsStatement<RangeQuery> = {
	name: "signups_edges",
	sql: `SELECT ${bucketSql("signed_up_at")} AS bucket, source, plan, count(*) AS signups
FROM ${edgeRows("users", "signed_up_at", "signed_up_at, source, plan")}
GROUP BY 1, 2, 3`,
	binds: (q) => splitBinds(q.range),
};

// What GET /signups reads: the rollup, then the edges.
export const signupsReads = (q: RangeQuery) => [
	q.range.interval === "hour" ? signupsHoursStatement : signupsDailyStatement,
	signupsEdgesStatement,
];

export interface SignupRow {
	bucket: number;
	source: string | null;
	plan: string | null;
	signups: number;
}

interface SignupHoursRow {
	day: number;
	source: string | null;
	plan: string | null;
	hours: string;
}

// The rows signupsReads answered, as SignupRows.
export function signupRows(q: RangeQuery, [rollup = [], edges = []]: unknown[][]): SignupRow[] {
	if (q.range.interval !== "hour") return [...(rollup as SignupRow[]), ...(edges as SignupRow[])];
	const hours = (rollup as SignupHoursRow[]).flatMap(({ day, source, plan, hours }) =>
		hoursOf(day, hours)
			.filter(({ values: [n] }) => n !== 0)
			.map(({ at, values: [n] }) => ({ bucket: at, source, plan, signups: n ?? 0 })),
	);
	return [...hours, ...(edges as SignupRow[])];
}

const signupsOf = (row: SignupRow) => Number(row.signups);

// Sources and plans are whatever senders called them ("__proto__" included):
// totalled in Maps, answered as null-prototype records.
function bySourceAndPlan(rows: readonly SignupRow[]) {
	return {
		by_source: toNullProtoRecord(sumBy(rows, (r) => r.source ?? UNKNOWN, signupsOf)),
		by_plan: toNullProtoRecord(sumBy(rows, (r) => r.plan ?? UNKNOWN, signupsOf)),
	};
}

export function shapeSignups(range: TimeRange, rows: readonly SignupRow[]): z.infer<typeof signupsSchema> {
	const buckets = rowsByBucket(range, rows);
	const inRange = [...buckets.values()].flat();
	return {
		...windowOf(range),
		total: inRange.reduce((sum, row) => sum + signupsOf(row), 0),
		...bySourceAndPlan(inRange),
		series: [...buckets].map(([bucket, points]) => ({
			bucket: iso(bucket),
			signups: points.reduce((sum, row) => sum + signupsOf(row), 0),
			...bySourceAndPlan(points),
		})),
	};
}

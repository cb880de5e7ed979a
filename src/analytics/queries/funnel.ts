import type * as z from "../../zod/mini";
import { bucketSql, DAY_MS, edgeRows, emptySeries, iso, splitBinds } from "../buckets";
import type { FunnelQuery } from "../params";
import type { funnelSchema } from "../schemas";
import { type AnalyticsStatement, hoursOf, windowOf } from "./statement";

// Signup cohorts by bucket. Whole UTC days from funnel_daily (kept by
// triggers, migrations/0007_rollups.sql): users per (signup day, lag), lag =
// whole days from signup to the first subscription change at or after it, so
// "within ?7 days" is exactly lag < ?7.
export const funnelDailyStatement: AnalyticsStatement<FunnelQuery> = {
	name: "funnel_daily",
	sql: `SELECT ${bucketSql("day")} AS bucket, sum(users) AS signed_up, sum(CASE WHEN lag < ?7 THEN users ELSE 0 END) AS subscribed
FROM funnel_daily
WHERE day >= ?5 AND day < ?6
GROUP BY 1`,
	binds: (q) => [...splitBinds(q.range), q.days],
};

// Hour buckets: each whole day's rows with their per-hour counts.
export const funnelHoursStatement: AnalyticsStatement<FunnelQuery> = {
	name: "funnel_hours",
	sql: `SELECT day, lag < ?7 AS subscribed, hours
FROM funnel_daily
WHERE day >= ?5 AND day < ?6 AND users > 0`,
	binds: (q) => [...splitBinds(q.range), q.days],
};

// The partial days at the edges from users (covering index
// users_signup_cover), each user probed once in subscription_changes_user_time
// for a subscription event within ?7 days after signing up.
export const funnelEdgesStatement: AnalyticsStatement<FunnelQuery> = {
	name: "funnel_edges",
	sql: `SELECT ${bucketSql("signup.signed_up_at")} AS bucket, count(*) AS signed_up,
	sum(EXISTS (
		SELECT 1 FROM subscription_changes s
		WHERE s.user_id = signup.user_id AND s.occurred_at >= signup.signed_up_at AND s.occurred_at < signup.signed_up_at + ?7 * ${DAY_MS}
	)) AS subscribed
FROM ${edgeRows("users", "signed_up_at", "user_id, signed_up_at")} AS signup
GROUP BY 1`,
	binds: (q) => [...splitBinds(q.range), q.days],
};

// What GET /funnel reads: the rollup, then the edges.
export const funnelReads = (q: FunnelQuery) => [
	q.range.interval === "hour" ? funnelHoursStatement : funnelDailyStatement,
	funnelEdgesStatement,
];

export interface FunnelRow {
	bucket: number;
	signed_up: number;
	subscribed: number;
}

interface FunnelHoursRow {
	day: number;
	subscribed: number;
	hours: string;
}

// The rows funnelReads answered, as FunnelRows (a bucket may have several).
export function funnelRows(q: FunnelQuery, [rollup = [], edges = []]: unknown[][]): FunnelRow[] {
	if (q.range.interval !== "hour") return [...(rollup as FunnelRow[]), ...(edges as FunnelRow[])];
	const hours = (rollup as FunnelHoursRow[]).flatMap(({ day, subscribed, hours }) =>
		hoursOf(day, hours).map(({ at, values: [n = 0] }) => ({ bucket: at, signed_up: n, subscribed: subscribed ? n : 0 })),
	);
	return [...hours, ...(edges as FunnelRow[])];
}

const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : 0);

// `complete` is false while a cohort's users may still convert: the bucket's
// last signup is less than `days` before now.
export function shapeFunnel(query: FunnelQuery, rows: readonly FunnelRow[], now: number): z.infer<typeof funnelSchema> {
	const { range, days } = query;
	const series = emptySeries(range, () => ({ signed_up: 0, subscribed: 0 }));
	for (const row of rows) {
		const point = series.get(Number(row.bucket));
		if (!point) continue;
		point.signed_up += Number(row.signed_up);
		point.subscribed += Number(row.subscribed);
	}
	const points = [...series].map(([bucket, p]) => ({
		bucket: iso(bucket),
		...p,
		conversion_rate: rate(p.subscribed, p.signed_up),
		complete: Math.min(bucket + range.size, range.to) + days * DAY_MS <= now,
	}));
	const signedUp = points.reduce((n, p) => n + p.signed_up, 0);
	const subscribed = points.reduce((n, p) => n + p.subscribed, 0);
	return {
		...windowOf(range),
		days,
		steps: [
			{ step: "signed_up", users: signedUp },
			{ step: `subscribed_within_${days}d`, users: subscribed },
		],
		conversion_rate: rate(subscribed, signedUp),
		series: points,
	};
}

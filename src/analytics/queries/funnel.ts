import type * as z from "../../zod/mini";
import { bucketSql, DAY_MS, emptySeries, iso, rangeBinds } from "../buckets";
import type { FunnelQuery } from "../params";
import type { funnelSchema } from "../schemas";
import { type AnalyticsStatement, windowOf } from "./statement";

// Signup cohorts by bucket (covering index users_signup_cover), each user
// probed once in subscription_changes_user_time for a subscription event
// within ?5 ms after signing up.
export const funnelStatement: AnalyticsStatement<FunnelQuery> = {
	name: "funnel",
	sql: `SELECT ${bucketSql("u.signed_up_at")} AS bucket, count(*) AS signed_up,
	sum(EXISTS (
		SELECT 1 FROM subscription_changes s
		WHERE s.user_id = u.user_id AND s.occurred_at >= u.signed_up_at AND s.occurred_at < u.signed_up_at + ?5
	)) AS subscribed
FROM users u
WHERE u.signed_up_at >= ?1 AND u.signed_up_at < ?2
GROUP BY 1`,
	binds: (q) => [...rangeBinds(q.range), q.days * DAY_MS],
};

export interface FunnelRow {
	bucket: number;
	signed_up: number;
	subscribed: number;
}

const rate = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10_000) / 10_000 : 0);

// `complete` is false while a cohort's users may still convert: the bucket's
// last signup is less than `days` before now.
export function shapeFunnel(query: FunnelQuery, rows: readonly FunnelRow[], now: number): z.infer<typeof funnelSchema> {
	const { range, days } = query;
	const series = emptySeries(range, () => ({ signed_up: 0, subscribed: 0 }));
	for (const row of rows) {
		const point = series.get(Number(row.bucket));
		if (point) Object.assign(point, { signed_up: Number(row.signed_up), subscribed: Number(row.subscribed) });
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

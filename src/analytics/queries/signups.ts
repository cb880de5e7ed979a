import type { z } from "zod";
import { bucketSql, emptySeries, iso, rangeBinds, type TimeRange } from "../buckets";
import type { RangeQuery } from "../params";
import type { signupsSchema } from "../schemas";
import { type AnalyticsStatement, add, type Counts, UNKNOWN, windowOf } from "./statement";

// One row per (bucket, source, plan), read from the covering index
// users_signup_cover: users are counted once, at their first signup.
export const signupsStatement: AnalyticsStatement<RangeQuery> = {
	name: "signups",
	sql: `SELECT ${bucketSql("signed_up_at")} AS bucket, source, plan, count(*) AS signups
FROM users
WHERE signed_up_at >= ?1 AND signed_up_at < ?2
GROUP BY 1, 2, 3`,
	binds: (q) => rangeBinds(q.range),
};

export interface SignupRow {
	bucket: number;
	source: string | null;
	plan: string | null;
	signups: number;
}

export function shapeSignups(range: TimeRange, rows: readonly SignupRow[]): z.infer<typeof signupsSchema> {
	const series = emptySeries(range, () => ({ signups: 0, by_source: {} as Counts, by_plan: {} as Counts }));
	const bySource: Counts = {};
	const byPlan: Counts = {};
	let total = 0;
	for (const row of rows) {
		const point = series.get(Number(row.bucket));
		if (!point) continue;
		const n = Number(row.signups);
		total += n;
		point.signups += n;
		add(point.by_source, row.source ?? UNKNOWN, n);
		add(point.by_plan, row.plan ?? UNKNOWN, n);
		add(bySource, row.source ?? UNKNOWN, n);
		add(byPlan, row.plan ?? UNKNOWN, n);
	}
	return {
		...windowOf(range),
		total,
		by_source: bySource,
		by_plan: byPlan,
		series: [...series].map(([bucket, point]) => ({ bucket: iso(bucket), ...point })),
	};
}

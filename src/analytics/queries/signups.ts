import { sumBy, toNullProtoRecord } from "../../shared/counters";
import type * as z from "../../zod/mini";
import { bucketSql, iso, rangeBinds, rowsByBucket, type TimeRange } from "../buckets";
import type { RangeQuery } from "../params";
import type { signupsSchema } from "../schemas";
import { type AnalyticsStatement, UNKNOWN, windowOf } from "./statement";

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

import { sumBy, toNullProtoRecord } from "../../shared/counters";
import type * as z from "../../zod/mini";
import { bucketSql, iso, rangeBinds, rowsByBucket } from "../buckets";
import type { UsageQuery } from "../params";
import type { usageSchema } from "../schemas";
import { type AnalyticsStatement, windowOf } from "./statement";

const HOUR_MS = 3_600_000;

// Whole hours come from usage_hourly (kept by a trigger); only the partial
// hours at the edges of [from, to) are read from usage_records. Every bucket
// boundary is a whole hour, so the two sources never split a bucket.
// ?5 feature filter (or NULL), ?6 first whole hour, ?7 end of the last one.
export const usageStatement: AnalyticsStatement<UsageQuery> = {
	name: "usage",
	sql: `SELECT ${bucketSql("hour")} AS bucket, feature, sum(quantity) AS quantity, sum(events) AS events
FROM usage_hourly
WHERE hour >= ?6 AND hour < ?7 AND (?5 IS NULL OR feature = ?5)
GROUP BY 1, 2
UNION ALL
SELECT ${bucketSql("occurred_at")} AS bucket, feature, sum(quantity) AS quantity, count(*) AS events
FROM usage_records
WHERE ((occurred_at >= ?1 AND occurred_at < min(?6, ?2)) OR (occurred_at >= max(?7, ?1) AND occurred_at < ?2))
	AND (?5 IS NULL OR feature = ?5)
GROUP BY 1, 2`,
	binds: (q) => {
		const firstHour = Math.ceil(q.range.from / HOUR_MS) * HOUR_MS;
		const endHour = Math.max(firstHour, Math.floor(q.range.to / HOUR_MS) * HOUR_MS);
		return [...rangeBinds(q.range), q.feature ?? null, firstHour, endHour];
	},
};

// One ordered pass over usage_user_cover: per-user sums need no sort of the
// window's rows, only of the users for the ranking.
export const topUsersStatement: AnalyticsStatement<UsageQuery> = {
	name: "usage_top_users",
	sql: `SELECT user_id, sum(quantity) AS quantity, count(*) AS events
FROM usage_records INDEXED BY usage_user_cover
WHERE user_id IS NOT NULL AND occurred_at >= ?1 AND occurred_at < ?2 AND (?5 IS NULL OR feature = ?5)
GROUP BY user_id
ORDER BY quantity DESC, user_id
LIMIT ?6`,
	binds: (q) => [...rangeBinds(q.range), q.feature ?? null, q.top],
};

export interface UsageRow {
	bucket: number;
	feature: string;
	quantity: number;
	events: number;
}

export interface TopUserRow {
	user_id: string;
	quantity: number;
	events: number;
}

const featureOf = (row: UsageRow) => row.feature;
const quantityOf = (row: UsageRow) => Number(row.quantity);

// Feature names are whatever senders called them ("__proto__" included):
// totalled in Maps, answered as null-prototype records.
export function shapeUsage(query: UsageQuery, rows: readonly UsageRow[], topUsers: readonly TopUserRow[]): z.infer<typeof usageSchema> {
	const buckets = rowsByBucket(query.range, rows);
	const inRange = [...buckets.values()].flat();
	const quantities = sumBy(inRange, featureOf, quantityOf);
	const events = sumBy(inRange, featureOf, (row) => Number(row.events));
	return {
		...windowOf(query.range),
		feature: query.feature ?? null,
		features: [...quantities]
			.map(([feature, quantity]) => ({ feature, quantity, events: events.get(feature) ?? 0 }))
			.sort((a, b) => b.quantity - a.quantity || a.feature.localeCompare(b.feature)),
		series: [...buckets].map(([bucket, points]) => ({
			bucket: iso(bucket),
			quantity: points.reduce((sum, row) => sum + quantityOf(row), 0),
			by_feature: toNullProtoRecord(sumBy(points, featureOf, quantityOf)),
		})),
		top_users: topUsers.map((u) => ({ user_id: u.user_id, quantity: Number(u.quantity), events: Number(u.events) })),
	};
}

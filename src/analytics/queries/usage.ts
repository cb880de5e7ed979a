import { sumBy, toNullProtoRecord } from "../../shared/counters";
import type * as z from "../../zod/mini";
import { bucketSql, edgeRows, iso, rowsByBucket, splitBinds } from "../buckets";
import type { UsageQuery } from "../params";
import type { usageSchema } from "../schemas";
import { type AnalyticsStatement, hoursOf, windowOf } from "./statement";
import { type TopUserRow, topCandidatesStatement } from "./top-users";

// Usage per (bucket, feature): whole UTC days from usage_daily (kept by
// triggers, migrations/0007_rollups.sql), the partial days at the window's
// edges from usage_records (usage_time_cover). ?7 the feature filter (or NULL).
export const usageDailyStatement: AnalyticsStatement<UsageQuery> = {
	name: "usage_daily",
	sql: `SELECT ${bucketSql("day")} AS bucket, feature, sum(quantity) AS quantity, sum(events) AS events
FROM usage_daily
WHERE day >= ?5 AND day < ?6 AND (?7 IS NULL OR feature = ?7)
GROUP BY 1, 2
HAVING sum(events) > 0`,
	binds: (q) => [...splitBinds(q.range), q.feature ?? null],
};

// Hour buckets: each whole day's row with its per-hour sums.
export const usageHoursStatement: AnalyticsStatement<UsageQuery> = {
	name: "usage_hours",
	sql: `SELECT day, feature, hour_quantity, hour_events
FROM usage_daily
WHERE day >= ?5 AND day < ?6 AND (?7 IS NULL OR feature = ?7) AND events > 0`,
	binds: (q) => [...splitBinds(q.range), q.feature ?? null],
};

export const usageEdgesStatement: AnalyticsStatement<UsageQuery> = {
	name: "usage_edges",
	sql: `SELECT ${bucketSql("occurred_at")} AS bucket, feature, sum(quantity) AS quantity, count(*) AS events
FROM ${edgeRows("usage_records", "occurred_at", "occurred_at, feature, quantity", "(?7 IS NULL OR feature = ?7)")}
GROUP BY 1, 2`,
	binds: (q) => [...splitBinds(q.range), q.feature ?? null],
};

// What GET /usage reads: the rollup, the edges, then the top users'
// candidates (./top-users.ts; if they prove nothing, a scan follows).
export const usageReads = (q: UsageQuery) => [
	q.range.interval === "hour" ? usageHoursStatement : usageDailyStatement,
	usageEdgesStatement,
	topCandidatesStatement,
];

export interface UsageRow {
	bucket: number;
	feature: string;
	quantity: number;
	events: number;
}

interface UsageHoursRow {
	day: number;
	feature: string;
	hour_quantity: string;
	hour_events: string;
}

// The series rows usageReads answered, as UsageRows.
export function usageRows(q: UsageQuery, [rollup = [], edges = []]: unknown[][]): UsageRow[] {
	if (q.range.interval !== "hour") return [...(rollup as UsageRow[]), ...(edges as UsageRow[])];
	const hours = (rollup as UsageHoursRow[]).flatMap(({ day, feature, hour_quantity, hour_events }) =>
		hoursOf(day, hour_events, hour_quantity)
			.filter(({ values: [events] }) => events !== 0)
			.map(({ at, values: [events = 0, quantity = 0] }) => ({ bucket: at, feature, quantity, events })),
	);
	return [...hours, ...(edges as UsageRow[])];
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

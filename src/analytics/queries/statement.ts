import { HOUR_MS, iso, type TimeRange } from "../buckets";

// One analytics SELECT: fixed SQL text, values only ever bound. Pure data,
// so the query-plan test and the Node-side bench read the very same SQL.
export interface AnalyticsStatement<Q> {
	name: string;
	sql: string;
	binds(query: Q): (string | number | null)[];
}

// The window every analytics response starts with.
export function windowOf(range: TimeRange) {
	return { from: iso(range.from), to: iso(range.to), interval: range.interval };
}

// Label for rows whose grouping column is NULL.
export const UNKNOWN = "unknown";

// A daily rollup row's per-hour sums (JSON {"<hour of day>": sum}, one object
// per measure, all with the same hours: every write adds to each), as one
// entry per hour with the hour's start and its sums in the objects' order.
export function hoursOf(day: number, ...sums: string[]): { at: number; values: number[] }[] {
	const parsed = sums.map((json) => JSON.parse(json) as Record<string, number>);
	return Object.keys(parsed[0] ?? {}).map((hour) => ({
		at: Number(day) + Number(hour) * HOUR_MS,
		values: parsed.map((sum) => Number(sum[hour] ?? 0)),
	}));
}

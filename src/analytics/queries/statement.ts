import { iso, type TimeRange } from "../buckets";

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

// Time buckets for the analytics series. Pure: no bindings, no clock.
// Buckets are aligned to UTC boundaries; weeks start on Monday 00:00 UTC.

export const INTERVALS = ["hour", "day", "week"] as const;
export type Interval = (typeof INTERVALS)[number];

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const INTERVAL_MS: Record<Interval, number> = { hour: HOUR_MS, day: DAY_MS, week: 7 * DAY_MS };

// 1970-01-05 was the first Monday after the epoch.
const WEEK_ORIGIN_MS = 4 * DAY_MS;

// How far back `from` defaults to when only the interval is given.
export const DEFAULT_SPAN_MS: Record<Interval, number> = { hour: 2 * DAY_MS, day: 30 * DAY_MS, week: 26 * 7 * DAY_MS };

// Most buckets one response may hold (about 83 days of hours).
export const MAX_BUCKETS = 2000;

// A resolved query window: [from, to) in epoch ms, and the bucket grid.
export interface TimeRange {
	from: number;
	to: number;
	interval: Interval;
	// Start of the bucket that holds `from`; every bucket starts at origin + k * size.
	origin: number;
	size: number;
}

export function bucketStart(ms: number, interval: Interval): number {
	const size = INTERVAL_MS[interval];
	const offset = interval === "week" ? WEEK_ORIGIN_MS : 0;
	return Math.floor((ms - offset) / size) * size + offset;
}

export function timeRange(from: number, to: number, interval: Interval): TimeRange {
	return { from, to, interval, origin: bucketStart(from, interval), size: INTERVAL_MS[interval] };
}

// Start of every bucket that overlaps [from, to), oldest first.
export function bucketStarts(range: TimeRange): number[] {
	const starts: number[] = [];
	for (let t = range.origin; t < range.to; t += range.size) starts.push(t);
	return starts;
}

export function bucketCount(range: TimeRange): number {
	return Math.max(0, Math.ceil((range.to - range.origin) / range.size));
}

// The SQL twin of bucketStart for a range bound as ?1 from, ?2 to, ?3 origin,
// ?4 size (see rangeBinds). `column - origin` is never negative inside the
// range, so truncation is floor; CAST keeps it integral however D1 binds numbers.
export function bucketSql(column: string): string {
	return `(?3 + CAST((${column} - ?3) / ?4 AS INTEGER) * ?4)`;
}

export function rangeBinds(range: TimeRange): [number, number, number, number] {
	return [range.from, range.to, range.origin, range.size];
}

// The whole UTC days inside [from, to) as [first, end), empty (first = end)
// when there are none. The daily rollups answer these days and the base tables
// only the partial days at either edge. Day and week buckets start at UTC
// midnight and hour rollups keep each day's hours, so a day never straddles
// two buckets.
export function wholeDays(range: TimeRange): [number, number] {
	const first = Math.ceil(range.from / DAY_MS) * DAY_MS;
	return [first, Math.max(first, Math.floor(range.to / DAY_MS) * DAY_MS)];
}

// Binds for statements that split the window: ?1-?4 as rangeBinds, ?5 and ?6
// the whole days (wholeDays).
export function splitBinds(range: TimeRange): [number, number, number, number, number, number] {
	return [...rangeBinds(range), ...wholeDays(range)];
}

// The rows of [from, to) outside the whole days ?5..?6 (see splitBinds), as
// a subquery of `columns` from `table`: two index ranges on `column`, each
// less than a day long. With ?5 = ?6 = from it is the whole window. The two
// ranges never overlap, so UNION ALL of two range reads: an OR of them would
// read the table's row for every index entry on a WITHOUT ROWID table
// (SQLite answers an OR from the index alone only on rowid tables, or when
// the index holds every column). `filter`, if any, applies to both.
export function edgeRows(table: string, column: string, columns: string, filter?: string): string {
	const and = filter ? ` AND ${filter}` : "";
	return `(SELECT ${columns} FROM ${table} WHERE ${column} >= ?1 AND ${column} < min(?5, ?2)${and}
	UNION ALL
	SELECT ${columns} FROM ${table} WHERE ${column} >= max(?6, ?1) AND ${column} < ?2${and})`;
}

// One entry per bucket, oldest first, each made fresh by `empty`: series are
// zero-filled so charts never skip a quiet bucket.
export function emptySeries<T>(range: TimeRange, empty: () => T): Map<number, T> {
	return new Map(bucketStarts(range).map((start) => [start, empty()]));
}

// Rows sorted into the range's buckets (every bucket present, oldest first);
// rows whose bucket is outside the range are left out.
export function rowsByBucket<R extends { bucket: number | null }>(range: TimeRange, rows: readonly R[]): Map<number, R[]> {
	const buckets = emptySeries(range, (): R[] => []);
	for (const row of rows) buckets.get(Number(row.bucket))?.push(row);
	return buckets;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

// Rounds money to cents, hiding float noise from SUM().
export const cents = (amount: number): number => Math.round(amount * 100) / 100;

// Pure helpers behind GET /api/stats.

export const WINDOWS = {
	"15m": { ms: 15 * 60_000, bucketMs: 60_000 },
	"1h": { ms: 60 * 60_000, bucketMs: 60_000 },
	"24h": { ms: 24 * 60 * 60_000, bucketMs: 15 * 60_000 },
	"7d": { ms: 7 * 24 * 60 * 60_000, bucketMs: 60 * 60_000 },
} as const;

export type WindowName = keyof typeof WINDOWS;

// Nearest-rank percentile: the 0-based row offset of p (0..100) among n sorted values.
export function percentileOffset(p: number, n: number): number {
	return Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
}

export interface SeriesPoint {
	t: number;
	count: number;
	per_minute: number;
}

// Every bucket from the one holding `since` to the one holding `until`, zero
// where nothing happened, so a chart's x-axis is even.
export function fillSeries(rows: readonly { t: number; n: number }[], since: number, until: number, bucketMs: number): SeriesPoint[] {
	const byBucket = new Map(rows.map((r) => [r.t, r.n]));
	const points: SeriesPoint[] = [];
	for (let t = Math.floor(since / bucketMs) * bucketMs; t <= until; t += bucketMs) {
		const count = byBucket.get(t) ?? 0;
		points.push({ t, count, per_minute: Math.round((count / (bucketMs / 60_000)) * 100) / 100 });
	}
	return points;
}

export const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

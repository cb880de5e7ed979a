// Histogram helpers shared by the ack-latency recorder and /metrics.

// Upper bounds (ms) of the ack-latency buckets; above the last is +Inf.
export const ACK_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

// The bucket a value falls in: its smallest upper bound, or null for +Inf.
export function bucketOf(value: number, bounds: readonly number[] = ACK_BUCKETS_MS): number | null {
	return bounds.find((le) => value <= le) ?? null;
}

export interface Histogram {
	// Cumulative counts per upper bound, ascending; +Inf is `count`.
	buckets: { le: number; count: number }[];
	count: number;
	sum: number;
}

// Per-bucket counts → Prometheus' cumulative buckets.
export function cumulate(bounds: readonly number[], perBucket: ReadonlyMap<number, number>, count: number, sum: number): Histogram {
	let running = 0;
	const buckets = bounds.map((le) => {
		running += perBucket.get(le) ?? 0;
		return { le, count: running };
	});
	return { buckets, count, sum };
}

// Percentile maths for latency reports. Nearest-rank percentiles: every value
// reported is one that was actually measured, never an interpolation.

export interface LatencySummary {
	count: number;
	min: number | null;
	p50: number | null;
	p95: number | null;
	p99: number | null;
	max: number | null;
	mean: number | null;
}

// p in [0, 100] over values sorted ascending; null when there are none.
export function percentile(sorted: readonly number[], p: number): number | null {
	if (sorted.length === 0) return null;
	if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1] ?? null;
}

// Two decimals: how every rate, ratio and latency in the reports is shown.
export const round2 = (n: number) => Math.round(n * 100) / 100;

export function summarize(values: readonly number[]): LatencySummary {
	const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
	const pick = (p: number) => {
		const v = percentile(sorted, p);
		return v === null ? null : round2(v);
	};
	return {
		count: sorted.length,
		min: pick(0),
		p50: pick(50),
		p95: pick(95),
		p99: pick(99),
		max: pick(100),
		mean: sorted.length ? round2(sorted.reduce((a, b) => a + b, 0) / sorted.length) : null,
	};
}

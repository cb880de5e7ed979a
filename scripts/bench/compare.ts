// Same-run comparisons of ingest with the no-op route: ratios, deltas and
// the median over repeated rounds. Pure, so the rounding rules are tested.
import { percentile, round2 } from "../events/stats";

// Ratio of two measurements, rounded; null when either is missing or zero.
export function ratio(value: number | null, baseline: number | null): number | null {
	if (value === null || baseline === null || baseline === 0) return null;
	return round2(value / baseline);
}

// value − baseline (ms), rounded; null when either is missing.
export function delta(value: number | null, baseline: number | null): number | null {
	if (value === null || baseline === null) return null;
	return round2(value - baseline);
}

// Median of the values present (nearest-rank: with two rounds, the lower).
export function median(values: readonly (number | null)[]): number | null {
	const present = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
	return percentile(present, 50);
}

export interface LatencyPair {
	p50: number | null;
	p99: number | null;
}

// Ingest's ack latency minus the no-op's, at the same schedule in the same run.
export function ackDeltas(ingest: LatencyPair, noop: LatencyPair | null): { ackP50Ms: number | null; ackP99Ms: number | null } {
	return { ackP50Ms: delta(ingest.p50, noop?.p50 ?? null), ackP99Ms: delta(ingest.p99, noop?.p99 ?? null) };
}

// The closed-loop ceiling's numbers: one wrk run, a round (no-op then ingest
// on the same stack), and the median over the rounds. Pure, so tested.
import type { RunReport } from "../events/report";
import { round2 } from "../events/stats";
import type { D1Writes } from "./batch-log";
import { ackDeltas, median, ratio } from "./compare";
import { countOutcomes, replayed, type WrkOutcomes, type WrkSummary } from "./wrk";

export interface WrkRun {
	requests: number;
	seconds: number;
	rate: number;
	latencyMs: WrkSummary["latencyMs"];
	// Non-2xx answers and socket errors (a timeout, a reset).
	errors: number;
	// CPU of the whole local stack (every process of `wrangler dev`) per
	// request answered; null where /proc cannot be read.
	cpuMsPerRequest: number | null;
}

export interface IngestRun extends WrkRun {
	accepted: number;
	duplicates: number;
	// Requests that went round the pool again (answered as duplicates).
	replayed: number;
	// Whole pipeline only: how long the consumer took to empty the queue after
	// wrk stopped (its CPU is in cpuMsPerRequest).
	drainMs: number | null;
}

export interface CeilingRound {
	noop: WrkRun;
	ingest: IngestRun;
	// ingest rate ÷ no-op rate.
	throughputRatio: number | null;
	// ingest CPU ms/request ÷ no-op CPU ms/request (> 1: ingest costs more).
	cpuRatio: number | null;
	ackP50DeltaMs: number | null;
	ackP99DeltaMs: number | null;
}

export function wrkRun(summary: WrkSummary, cpuMs: number | null): WrkRun {
	const { connect, read, write, timeout } = summary.socketErrors;
	return {
		requests: summary.requests,
		seconds: summary.seconds,
		rate: summary.requestsPerSecond,
		latencyMs: summary.latencyMs,
		errors: summary.non2xx + connect + read + write + timeout,
		cpuMsPerRequest: cpuMs === null || summary.requests === 0 ? null : round2(cpuMs / summary.requests),
	};
}

export function ingestRun(summary: WrkSummary, cpuMs: number | null, outcomes: WrkOutcomes, drainMs: number | null): IngestRun {
	const counts = countOutcomes(outcomes);
	return { ...wrkRun(summary, cpuMs), accepted: counts.accepted, duplicates: counts.duplicate, replayed: replayed(outcomes), drainMs };
}

export function pairRound(noop: WrkRun, ingest: IngestRun): CeilingRound {
	const deltas = ackDeltas(ingest.latencyMs, noop.latencyMs);
	return {
		noop,
		ingest,
		throughputRatio: ratio(ingest.rate, noop.rate),
		cpuRatio: ratio(ingest.cpuMsPerRequest, noop.cpuMsPerRequest),
		ackP50DeltaMs: deltas.ackP50Ms,
		ackP99DeltaMs: deltas.ackP99Ms,
	};
}

export interface CeilingMedian {
	noopRate: number | null;
	ingestRate: number | null;
	throughputRatio: number | null;
	noopCpuMsPerRequest: number | null;
	ingestCpuMsPerRequest: number | null;
	cpuRatio: number | null;
	// 1 ÷ cpuRatio: the throughput ratio the CPU cost alone predicts, the
	// noise-robust form of throughputRatio.
	cpuThroughputRatio: number | null;
	ackP50DeltaMs: number | null;
	ackP99DeltaMs: number | null;
}

// Medians per column: each ratio is the median of the rounds' own ratios
// (each pairs two runs a few seconds apart), not a ratio of medians.
export function medianOfRounds(rounds: readonly CeilingRound[]): CeilingMedian {
	const m = (pick: (r: CeilingRound) => number | null) => median(rounds.map(pick));
	const cpuRatio = m((r) => r.cpuRatio);
	return {
		noopRate: m((r) => r.noop.rate),
		ingestRate: m((r) => r.ingest.rate),
		throughputRatio: m((r) => r.throughputRatio),
		noopCpuMsPerRequest: m((r) => r.noop.cpuMsPerRequest),
		ingestCpuMsPerRequest: m((r) => r.ingest.cpuMsPerRequest),
		cpuRatio,
		cpuThroughputRatio: ratio(1, cpuRatio),
		ackP50DeltaMs: m((r) => r.ackP50DeltaMs),
		ackP99DeltaMs: m((r) => r.ackP99DeltaMs),
	};
}

// "ack path": the events consumer is detached (ack-path.ts), so only the
// request path runs. "whole pipeline": the normal stack, its consumer writing
// D1 on the same cores while wrk sends.
export type CeilingStack = "ack path" | "whole pipeline";

export interface CeilingResult {
	stack: CeilingStack;
	concurrency: number;
	durationMs: number;
	rounds: CeilingRound[];
	median: CeilingMedian;
	// Whole pipeline: every event of every round reconciled against D1.
	ingest: RunReport | null;
	// Ack path (nothing consumes, so nothing reaches D1): events the
	// idempotency shards recorded as accepted, against the 202s wrk saw
	// (warm-up included); never fewer.
	claims: { acked: number; claimed: number | null } | null;
	// Whole pipeline: what the consumer wrote while the rounds ran and drained.
	d1Writes: D1Writes | null;
}

// Nothing lost or double-counted, as far as the stack can tell: D1 for the
// whole pipeline; for the ack path, no fewer events claimed than acknowledged
// (unknown when the count could not be read).
export function ceilingSound(c: Pick<CeilingResult, "ingest" | "claims">): boolean {
	if (c.ingest) return c.ingest.lost === 0 && c.ingest.doubleCounted === 0;
	if (c.claims && c.claims.claimed !== null) return c.claims.claimed >= c.claims.acked;
	return true;
}

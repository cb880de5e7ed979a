// The bench's fixed plan and its verdicts: which steps run, for how long, and
// what counts as sustained. Pure, so the plan and the verdict rules are tested.

export const ACK_P99_BUDGET_MS = 50;
export const E2E_BUDGET_MS = 5_000;
// A step keeps up when it achieves at least this share of the offered rate.
export const KEEP_UP_SHARE = 0.95;

export interface LoadStep {
	name: string;
	ratePerSecond: number;
	durationMs: number;
}

export interface BenchPlan {
	ladder: LoadStep[];
	sustained: LoadStep;
	// Closed loop with wrk: no-op and ingest alternately, `rounds` times, on
	// the ack-path stack and on the whole pipeline (see ceiling.ts).
	ceiling: { durationMs: number; concurrency: number; rounds: number; warmupMs: number; poolSafety: number };
	backlog: { events: number; perRequest: number; concurrency: number };
	chaos: LoadStep & { failRate: number };
	duplicateRatio: number;
	concurrency: number;
	drainTimeoutMs: number;
}

const LADDER_RATES = [5, 10, 20, 40, 80, 160, 320] as const;
const QUICK_LADDER_RATES = [10, 40, 80] as const;

export function benchPlan(quick: boolean): BenchPlan {
	const seconds = (full: number, short: number) => (quick ? short : full) * 1000;
	const step = (ratePerSecond: number) => ({ name: `ladder ${ratePerSecond}/s`, ratePerSecond, durationMs: seconds(20, 4) });
	return {
		ladder: (quick ? QUICK_LADDER_RATES : LADDER_RATES).map(step),
		// Seed success criterion: 500 events/min for 5 minutes.
		sustained: { name: "500 events/min", ratePerSecond: 500 / 60, durationMs: seconds(300, 10) },
		// A fresh `wrangler dev` answers slowly for its first seconds (bundling,
		// first Durable Object and D1 opens): each ceiling starts with an
		// unreported warm-up, and on the main stack the ladder comes after it.
		ceiling: { durationMs: seconds(10, 3), concurrency: 32, rounds: quick ? 2 : 3, warmupMs: seconds(5, 2), poolSafety: 1.5 },
		// Issue 11: a 10,000-event backlog (the local queue's limit) drained with
		// nothing lost; --quick keeps the seed criterion's 1000+.
		backlog: { events: quick ? 1000 : 10_000, perRequest: 100, concurrency: 4 },
		chaos: { name: "chaos 20% failures", ratePerSecond: quick ? 10 : 20, durationMs: seconds(60, 8), failRate: 0.2 },
		duplicateRatio: 0.05,
		concurrency: 256,
		drainTimeoutMs: seconds(180, 60),
	};
}

export interface StepNumbers {
	offeredRate: number | null;
	achievedRate: number;
	lost: number;
	doubleCounted: number;
	unavailable: number;
	noResponse: number;
	ackP99: number | null;
}

// Why a load step does not count as sustained; empty when it does.
export function failures(step: StepNumbers): string[] {
	const reasons: string[] = [];
	if (step.lost > 0) reasons.push(`lost ${step.lost}`);
	if (step.doubleCounted > 0) reasons.push(`double-counted ${step.doubleCounted}`);
	if (step.unavailable + step.noResponse > 0) reasons.push(`${step.unavailable + step.noResponse} requests failed or timed out`);
	if (step.ackP99 === null || step.ackP99 >= ACK_P99_BUDGET_MS) reasons.push(`ack p99 ${step.ackP99 ?? "-"} ms ≥ ${ACK_P99_BUDGET_MS} ms`);
	if (step.offeredRate !== null && step.achievedRate < step.offeredRate * KEEP_UP_SHARE) {
		reasons.push(`achieved ${step.achievedRate}/s < ${Math.round(KEEP_UP_SHARE * 100)}% of ${step.offeredRate}/s`);
	}
	return reasons;
}

// Past this point higher steps only queue: stop the ladder there. A step that
// merely misses the ack budget still keeps up, so the curve goes on.
export function isSaturated(step: StepNumbers): boolean {
	const kept = step.offeredRate === null || step.achievedRate >= step.offeredRate * KEEP_UP_SHARE;
	return !kept || step.lost > 0 || step.doubleCounted > 0 || step.unavailable + step.noResponse > 0;
}

// The highest offered rate whose step passed, counting only rates below the
// first failure: a lucky pass above a failed step is not "sustained".
export function highestSustained(steps: readonly (StepNumbers & { offeredRate: number })[]): number | null {
	let best: number | null = null;
	for (const step of [...steps].sort((a, b) => a.offeredRate - b.offeredRate)) {
		if (failures(step).length > 0) break;
		best = step.offeredRate;
	}
	return best;
}

// The highest rate the pipeline kept up with and reconciled cleanly, whatever
// its latency: below the first saturated step.
export function highestKeptUp(steps: readonly (StepNumbers & { offeredRate: number })[]): number | null {
	let best: number | null = null;
	for (const step of [...steps].sort((a, b) => a.offeredRate - b.offeredRate)) {
		if (isSaturated(step)) break;
		best = step.offeredRate;
	}
	return best;
}

// Unique signed events to pre-generate for one closed-loop ingest round: the
// no-op rate just measured bounds what ingest can reach, with a margin. An
// exhausted pool is replayed from the start (answered as duplicates).
export function poolSize(noopRate: number, durationMs: number, safety: number): number {
	return Math.max(100, Math.ceil(noopRate * (durationMs / 1000) * safety));
}

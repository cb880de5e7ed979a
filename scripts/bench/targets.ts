// Issue 11's targets, judged from one run's same-run comparisons. Reported,
// never gating: the exit code is about lost and double-counted events only.
import { BUDGET, type Footprint } from "./footprint";
import type { CeilingMedian } from "./rounds";

export const TARGETS = {
	// Closed-loop ingest throughput as a share of the no-op route's.
	closedLoopRatio: 0.8,
	// Ack p50 at 500 events/min, ms above the no-op route's.
	ackP50DeltaMs: 5,
	// Backlog drain rate as a multiple of the (whole-pipeline) ingest ceiling.
	drainToCeiling: 2,
} as const;

export interface TargetVerdict {
	target: string;
	measured: string;
	// null: not measured in this run.
	met: boolean | null;
}

export interface TargetInputs {
	ackPath: CeilingMedian;
	wholePipeline: CeilingMedian;
	sustainedAckP50DeltaMs: number | null;
	drainToCeiling: number | null;
	reconciled: boolean;
	// Absent when the footprint could not be measured.
	footprint?: Footprint;
}

const x = (v: number | null) => (v === null ? "–" : `${v}×`);
const atLeast = (v: number | null, min: number) => (v === null ? null : v >= min);

function closedLoop(name: string, m: CeilingMedian): TargetVerdict {
	return {
		target: `closed-loop ingest ≥ ${TARGETS.closedLoopRatio}× no-op (${name})`,
		measured: `${x(m.throughputRatio)} req/s (CPU per request: ${x(m.cpuRatio)} the no-op's, i.e. ${x(m.cpuThroughputRatio)})`,
		met: atLeast(m.throughputRatio, TARGETS.closedLoopRatio),
	};
}

export function targetVerdicts(i: TargetInputs): TargetVerdict[] {
	const d = i.sustainedAckP50DeltaMs;
	return [
		closedLoop("ack path", i.ackPath),
		closedLoop("whole pipeline", i.wholePipeline),
		{
			target: `ack p50 within +${TARGETS.ackP50DeltaMs} ms of no-op at 500 events/min`,
			measured: d === null ? "–" : `${d > 0 ? "+" : ""}${d} ms`,
			met: d === null ? null : d <= TARGETS.ackP50DeltaMs,
		},
		{
			target: `backlog drained at ≥ ${TARGETS.drainToCeiling}× the ingest ceiling (whole pipeline)`,
			measured: x(i.drainToCeiling),
			met: atLeast(i.drainToCeiling, TARGETS.drainToCeiling),
		},
		{ target: "lost = 0 and double-counted = 0 in every step", measured: i.reconciled ? "yes" : "no", met: i.reconciled },
		{
			target: `Worker bundle ≤ ${BUDGET.gzipKiB} KiB gzip`,
			measured: i.footprint ? `${i.footprint.gzipKiB} KiB (${i.footprint.uploadKiB} KiB raw)` : "–",
			met: i.footprint ? i.footprint.gzipKiB <= BUDGET.gzipKiB : null,
		},
		{
			target: `startup ≤ ${BUDGET.startupMs} ms (wrangler check startup, active CPU)`,
			measured: i.footprint ? `${i.footprint.startupMs} ms (median of ${i.footprint.startupRunsMs.length})` : "–",
			met: i.footprint ? i.footprint.startupMs <= BUDGET.startupMs : null,
		},
	];
}

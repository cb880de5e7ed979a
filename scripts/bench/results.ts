// The bench's output: one JSON document (this shape), rendered to
// RESULTS.md (markdown.ts) and a chart.

import { type ChartSpec, renderChart } from "./chart";
// Bundle size and cold start, measured by scripts/bench/footprint.ts.
import type { Footprint } from "./footprint";
import type { Machine } from "./machine";
import { ACK_P99_BUDGET_MS, type BenchPlan, E2E_BUDGET_MS } from "./plan";
import type { CeilingResult } from "./rounds";
import type { BacklogResult, StepResult } from "./steps";
import type { StorageResult } from "./storage";
import type { TargetVerdict } from "./targets";

export type { Footprint };

export interface BenchResults {
	quick: boolean;
	machine: Machine;
	startedAt: string;
	durationSeconds: number;
	plan: BenchPlan;
	// Closed loop with wrk, no-op and ingest alternately, on two stacks.
	ceiling: { ackPath: CeilingResult; wholePipeline: CeilingResult };
	ladder: StepResult[];
	highestSustainedRate: number | null;
	sustained: StepResult;
	// drainToCeiling: drain rate ÷ the whole pipeline's median ingest ceiling.
	backlog: BacklogResult & { drainToCeiling: number | null };
	chaos: StepResult & { failRate: number; retried: number | null };
	// Per-event cost, the bill and when D1 fills (storage.ts); absent in
	// results from before issue 17.
	storage?: StorageResult;
	targets: TargetVerdict[];
	// FOOTPRINT: optional until wired; RESULTS.md shows a section when present.
	footprint?: Footprint;
	// Every step reconciled with nothing lost and nothing double-counted.
	ok: boolean;
}

export function renderBenchChart(r: BenchResults): string {
	const points = (pick: (s: StepResult) => number | null) => r.ladder.map((s) => ({ x: s.offeredRate ?? 0, y: pick(s) }));
	const spec: ChartSpec = {
		title: `Latency vs offered rate (${r.machine.nproc} × ${r.machine.cpuModel})`,
		xLabel: "offered events per second (log)",
		yLabel: "latency, ms (log)",
		series: [
			{ label: "ingest ack p50", color: "#ff7f0e", points: points((s) => s.ingest.ack.p50) },
			{ label: "ingest ack p99", color: "#d62728", points: points((s) => s.ingest.ack.p99) },
			{ label: "no-op ack p99", color: "#7f7f7f", dashed: true, points: points((s) => s.noop?.ack.p99 ?? null) },
			{ label: "end-to-end p50", color: "#1f77b4", points: points((s) => s.ingest.e2e.p50) },
			{ label: "end-to-end p99", color: "#17becf", points: points((s) => s.ingest.e2e.p99) },
		],
		thresholds: [
			{ y: ACK_P99_BUDGET_MS, label: `ack p99 budget ${ACK_P99_BUDGET_MS} ms` },
			{ y: E2E_BUDGET_MS, label: `end-to-end budget ${E2E_BUDGET_MS / 1000} s` },
		],
	};
	return renderChart(spec);
}

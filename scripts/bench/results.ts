// The bench's output: one JSON document, rendered to RESULTS.md and a chart.

import { type ChartSpec, renderChart } from "./chart";
import type { Machine } from "./machine";
import { ACK_P99_BUDGET_MS, type BenchPlan, E2E_BUDGET_MS, highestKeptUp } from "./plan";
import type { BacklogResult, StepResult } from "./steps";

export interface BenchResults {
	quick: boolean;
	machine: Machine;
	startedAt: string;
	durationSeconds: number;
	plan: BenchPlan;
	ceiling: { step: StepResult; throughputRatio: number | null };
	ladder: StepResult[];
	highestSustainedRate: number | null;
	sustained: StepResult;
	backlog: BacklogResult;
	chaos: StepResult & { failRate: number; retried: number | null };
	// Every step reconciled with nothing lost and nothing double-counted.
	ok: boolean;
}

const n = (v: number | null | undefined, unit = "") => (v === null || v === undefined ? "–" : `${v}${unit}`);
const duration = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 6_000) / 10} min` : `${Math.round(ms / 1000)} s`);
const x = (v: number | null) => (v === null ? "–" : `${v}×`);

function stepRow(s: StepResult): string {
	const i = s.ingest;
	return `| ${s.name} | ${n(s.offeredRate)} | ${i.achievedRate} | ${i.accepted} | ${i.duplicates} | ${i.lost} | ${i.doubleCounted} | ${n(i.ack.p50)} / ${n(i.ack.p99)} | ${s.noop ? `${n(s.noop.ack.p50)} / ${n(s.noop.ack.p99)}` : "–"} | ${x(s.ratios.ackP99)} | ${x(s.ratios.throughput)} | ${n(i.e2e.p50)} / ${n(i.e2e.p99)} | ${s.offeredRate === null ? "– (closed loop)" : s.failures.length ? `✗ ${s.failures.join("; ")}` : "✓"} |`;
}

const STEP_HEADER = [
	"| step | offered /s | achieved /s | accepted | duplicates | lost | double-counted | ack p50 / p99 ms | no-op p50 / p99 ms | ack p99 vs no-op | throughput vs no-op | e2e p50 / p99 ms | sustained? |",
	"|---|---|---|---|---|---|---|---|---|---|---|---|---|",
];

export function renderMarkdown(r: BenchResults): string {
	const m = r.machine;
	const b = r.backlog;
	const keptUp = highestKeptUp(r.ladder.map((s) => ({ ...s.ingest, offeredRate: s.offeredRate ?? 0, ackP99: s.ingest.ack.p99 })));
	return [
		`# Benchmark results${r.quick ? " (--quick)" : ""}`,
		"",
		`Measured ${m.date.slice(0, 16).replace("T", " ")} UTC on ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}, wrangler ${m.wrangler} (load average at start ${m.loadAverage.join(" / ")}). The whole stack (\`wrangler dev\`: workerd, local Queues, Durable Objects, D1 on SQLite) and the load generator share these cores, so absolute numbers are this machine's; the ratios to the no-op route of the same Worker are the portable part. Bench took ${Math.round(r.durationSeconds)} s.`,
		"",
		"## Headline",
		"",
		`- **Highest sustained rate** (lost = 0, ack p99 < ${ACK_P99_BUDGET_MS} ms, ≥ 95 % of the offered rate achieved): **${n(r.highestSustainedRate, " events/s")}**.`,
		`- **Highest rate kept up with** (lost = 0, ≥ 95 % achieved, no failed request; any latency): **${n(keptUp, " events/s")}**${keptUp !== null && keptUp === r.plan.ladder.at(-1)?.ratePerSecond ? " (the top of the ladder: the limit is higher)" : ""}.`,
		`- **Ingest ceiling** (closed loop, ${r.plan.ceiling.concurrency} in flight): ${r.ceiling.step.ingest.achievedRate} events/s vs ${r.ceiling.step.noop?.achievedRate ?? "–"} req/s on the no-op route = **${x(r.ceiling.throughputRatio)}** of the runtime's ceiling on this machine.`,
		`- **${r.sustained.name} for ${duration(r.sustained.durationMs)}**: ${r.sustained.ingest.accepted} accepted, lost ${r.sustained.ingest.lost}, double-counted ${r.sustained.ingest.doubleCounted}; ack p50 ${n(r.sustained.ingest.ack.p50)} ms / p99 ${n(r.sustained.ingest.ack.p99)} ms; end-to-end p50 ${n(r.sustained.ingest.e2e.p50)} ms / p99 ${n(r.sustained.ingest.e2e.p99)} ms (budget ${E2E_BUDGET_MS} ms).`,
		`- **Backlog of ${b.events} events** queued in ${b.ingest.sent} batch requests, drained in ${b.drainSeconds} s (${b.drainRate} events/s), lost ${b.ingest.lost}, double-counted ${b.ingest.doubleCounted}; end-to-end p50 ${n(b.ingest.e2e.p50)} ms / p99 ${n(b.ingest.e2e.p99)} ms.`,
		`- **Chaos** (CHAOS_FAIL_RATE=${r.chaos.failRate}, ${r.chaos.offeredRate}/s): ${r.chaos.ingest.accepted} accepted, ${n(r.chaos.retried)} failed attempts retried, ${r.chaos.ingest.deadLettered.afterRetries} dead-lettered after exhausting retries, lost ${r.chaos.ingest.lost}, double-counted ${r.chaos.ingest.doubleCounted}.`,
		`- **Reconciliation**: ${r.ok ? "every step ended with lost = 0 and double-counted = 0." : "**FAILED**: at least one step lost or double-counted events (see below)."}`,
		"",
		"![ack and end-to-end latency against offered rate](chart.svg)",
		"",
		"## Load ladder (each step paired with the same schedule on `GET /health/live`)",
		"",
		`1-minute load average at the end of each step: ${r.ladder.map((s) => `${s.name.replace("ladder ", "")} → ${s.loadAverage ?? "–"}`).join(", ")} (${m.nproc} cores).`,
		"",
		...STEP_HEADER,
		...r.ladder.map(stepRow),
		"",
		"## Named steps",
		"",
		...STEP_HEADER,
		stepRow(r.ceiling.step),
		stepRow(r.sustained),
		stepRow(r.chaos),
		"",
		"Ack latency is timed from each request's scheduled send time (open loop), so time a request spent waiting behind a slow server counts. End-to-end latency is `latency_ms` in D1 (processed − received). Medians are p50; percentiles are nearest-rank.",
		"",
	].join("\n");
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

// bench/RESULTS.md from the results document: headline, issue 11's targets,
// the closed-loop ceiling round by round, D1 rows written, the step tables.
import type { D1Writes } from "./batch-log";
import { ACK_P99_BUDGET_MS, E2E_BUDGET_MS, highestKeptUp } from "./plan";
import type { BenchResults, Footprint } from "./results";
import type { CeilingResult, CeilingRound, WrkRun } from "./rounds";
import type { StepResult } from "./steps";

const n = (v: number | null | undefined, unit = "") => (v === null || v === undefined ? "–" : `${v}${unit}`);
const duration = (ms: number) => (ms >= 60_000 ? `${Math.round(ms / 6_000) / 10} min` : `${Math.round(ms / 1000)} s`);
const x = (v: number | null) => (v === null ? "–" : `${v}×`);
const signed = (v: number | null) => (v === null ? "–" : `${v > 0 ? "+" : ""}${v}`);
const pair = (a: number | null, b: number | null, fmt: (v: number | null) => string = n) => `${fmt(a)} / ${fmt(b)}`;
const verdict = (met: boolean | null) => (met === null ? "– (not measured)" : met ? "✓" : "✗");

function stepRow(s: StepResult): string {
	const i = s.ingest;
	const noop = s.noop ? pair(s.noop.ack.p50, s.noop.ack.p99) : "–";
	const deltas = s.noop ? pair(s.deltas.ackP50Ms, s.deltas.ackP99Ms, signed) : "–";
	const sustained = s.failures.length ? `✗ ${s.failures.join("; ")}` : "✓";
	return `| ${s.name} | ${n(s.offeredRate)} | ${i.achievedRate} | ${i.accepted} | ${i.duplicates} | ${i.lost} | ${i.doubleCounted} | ${pair(i.ack.p50, i.ack.p99)} | ${noop} | ${deltas} | ${x(s.ratios.throughput)} | ${pair(i.e2e.p50, i.e2e.p99)} | ${sustained} |`;
}

const STEP_HEADER = [
	"| step | offered /s | achieved /s | accepted | duplicates | lost | double-counted | ack p50 / p99 ms | no-op p50 / p99 ms | ack Δ p50 / p99 ms (ingest − no-op) | throughput vs no-op | e2e p50 / p99 ms | sustained? |",
	"|---|---|---|---|---|---|---|---|---|---|---|---|---|",
];

const latency = (r: WrkRun) => pair(r.latencyMs.p50, r.latencyMs.p99);
const comparisons = (r: Pick<CeilingRound, "throughputRatio" | "cpuRatio" | "ackP50DeltaMs" | "ackP99DeltaMs">) =>
	[x(r.throughputRatio), x(r.cpuRatio), pair(r.ackP50DeltaMs, r.ackP99DeltaMs, signed)] as const;

function roundRow(stack: string, index: number, r: CeilingRound): string {
	const [throughput, cpu, deltas] = comparisons(r);
	return `| ${stack} | ${index} | ${r.noop.rate} | ${r.ingest.rate} | ${throughput} | ${n(r.noop.cpuMsPerRequest)} | ${n(r.ingest.cpuMsPerRequest)} | ${cpu} | ${latency(r.noop)} | ${latency(r.ingest)} | ${deltas} | ${r.noop.errors} / ${r.ingest.errors} | ${r.ingest.replayed} |`;
}

function ceilingRows(c: CeilingResult): string[] {
	const m = c.median;
	const [throughput, cpu, deltas] = comparisons(m);
	return [
		...c.rounds.map((r, i) => roundRow(c.stack, i + 1, r)),
		`| **${c.stack}** | **median** | ${n(m.noopRate)} | ${n(m.ingestRate)} | **${throughput}** | ${n(m.noopCpuMsPerRequest)} | ${n(m.ingestCpuMsPerRequest)} | **${cpu}** | | | ${deltas} | | |`,
	];
}

function ceilingCheck(c: CeilingResult): string {
	if (c.ingest) {
		const i = c.ingest;
		return `- ${c.stack}: ${i.accepted} events acknowledged 202 over the rounds, all reconciled against D1: lost ${i.lost}, double-counted ${i.doubleCounted}${i.unconfirmed ? `, ${i.unconfirmed} landed whose 202 wrk did not wait for` : ""}; end-to-end p50 ${n(i.e2e.p50)} ms / p99 ${n(i.e2e.p99)} ms.`;
	}
	const q = c.claims;
	return `- ${c.stack}: nothing consumes, so nothing reaches D1 to reconcile; the idempotency shards recorded ${n(q?.claimed)} events accepted against ${n(q?.acked)} 202s wrk saw (warm-up included; never fewer).`;
}

function writesRow(step: string, w: D1Writes | null): string {
	if (!w) return `| ${step} | – | – | – | – | – | – |`;
	return `| ${step} | ${w.events} | ${w.batches} | ${w.rows} | ${n(w.rowsPerEvent)} | ${w.seconds} | ${n(w.rowsPerSecond)} |`;
}

function footprintSection(f: Footprint | undefined): string[] {
	if (!f) return [];
	return [
		"## Footprint",
		"",
		"`wrangler deploy --dry-run` (the upload wrangler would send) and `wrangler check startup` (active startup CPU, median of the runs; the profile window includes idle time). Budgets: 100 KiB gzip, 15 ms.",
		"",
		"| upload KiB | gzip KiB | startup ms | profile window ms |",
		"|---|---|---|---|",
		`| ${f.uploadKiB} | ${f.gzipKiB} | ${n(f.startupMs)} (runs ${f.startupRunsMs.join(", ")}) | ${n(f.profileWindowMs)} |`,
		"",
	];
}

export function renderMarkdown(r: BenchResults): string {
	const m = r.machine;
	const b = r.backlog;
	const { ackPath, wholePipeline } = r.ceiling;
	const s = r.sustained;
	const keptUp = highestKeptUp(r.ladder.map((st) => ({ ...st.ingest, offeredRate: st.offeredRate ?? 0, ackP99: st.ingest.ack.p99 })));
	const ceilingLine = (c: CeilingResult) =>
		`${c.stack} ${n(c.median.ingestRate)} events/s vs ${n(c.median.noopRate)} req/s no-op = **${x(c.median.throughputRatio)}**; CPU ${n(c.median.ingestCpuMsPerRequest)} vs ${n(c.median.noopCpuMsPerRequest)} ms/request = ${x(c.median.cpuRatio)} (CPU-implied throughput ratio ${x(c.median.cpuThroughputRatio)})`;
	return [
		`# Benchmark results${r.quick ? " (--quick)" : ""}`,
		"",
		`Measured ${m.date.slice(0, 16).replace("T", " ")} UTC on ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}, wrangler ${m.wrangler} (load average at start ${m.loadAverage.join(" / ")}). The whole stack (\`wrangler dev\`: workerd, local Queues, Durable Objects, D1 on SQLite) and the load generator share these cores, so absolute numbers are this machine's; the same-run comparisons with the no-op route of the same Worker (ratios, deltas, CPU per request) are the portable part. Bench took ${Math.round(r.durationSeconds)} s.`,
		"",
		"## Headline",
		"",
		`- **Ingest ceiling** (closed loop with wrk, ${r.plan.ceiling.concurrency} in flight, median of ${r.plan.ceiling.rounds} rounds): ${ceilingLine(ackPath)}; ${ceilingLine(wholePipeline)}.`,
		`- **${s.name} for ${duration(s.durationMs)}**: ${s.ingest.accepted} accepted, lost ${s.ingest.lost}, double-counted ${s.ingest.doubleCounted}; ack p50 ${n(s.ingest.ack.p50)} ms / p99 ${n(s.ingest.ack.p99)} ms vs no-op ${s.noop ? pair(s.noop.ack.p50, s.noop.ack.p99) : "–"} ms (Δ ${pair(s.deltas.ackP50Ms, s.deltas.ackP99Ms, signed)} ms); end-to-end p50 ${n(s.ingest.e2e.p50)} ms / p99 ${n(s.ingest.e2e.p99)} ms (budget ${E2E_BUDGET_MS} ms).`,
		`- **Backlog of ${b.events} events** queued in ${b.ingest.sent} batch requests, drained in ${b.drainSeconds} s = **${b.drainRate} events/s, ${x(b.drainToCeiling)} the whole-pipeline ingest ceiling**; lost ${b.ingest.lost}, double-counted ${b.ingest.doubleCounted}; ${b.d1Writes.rows} D1 rows written (${n(b.d1Writes.rowsPerEvent)} per event, ${n(b.d1Writes.rowsPerSecond)} rows/s).`,
		`- **Highest sustained rate** (open loop; lost = 0, ack p99 < ${ACK_P99_BUDGET_MS} ms, ≥ 95 % of the offered rate achieved): **${n(r.highestSustainedRate, " events/s")}**; **highest rate kept up with** (any latency): **${n(keptUp, " events/s")}**${keptUp !== null && keptUp === r.plan.ladder.at(-1)?.ratePerSecond ? " (the top of the ladder: the limit is higher)" : ""}.`,
		`- **Chaos** (CHAOS_FAIL_RATE=${r.chaos.failRate}, ${r.chaos.offeredRate}/s): ${r.chaos.ingest.accepted} accepted, ${n(r.chaos.retried)} failed attempts retried, ${r.chaos.ingest.deadLettered.afterRetries} dead-lettered after exhausting retries, lost ${r.chaos.ingest.lost}, double-counted ${r.chaos.ingest.doubleCounted}.`,
		`- **Reconciliation**: ${r.ok ? "every step ended with lost = 0 and double-counted = 0." : "**FAILED**: at least one step lost or double-counted events (see below)."}`,
		"",
		"## Targets (issue 11)",
		"",
		"Reported, not enforced: the exit code only fails on lost or double-counted events.",
		"",
		"| target | measured | met? |",
		"|---|---|---|",
		...r.targets.map((t) => `| ${t.target} | ${t.measured} | ${verdict(t.met)} |`),
		"",
		...footprintSection(r.footprint),
		`## Closed-loop ceiling (wrk, ${r.plan.ceiling.concurrency} connections, ${duration(r.plan.ceiling.durationMs)} per run, no-op then ingest in each round)`,
		"",
		"- **ack path**: a stack whose config has the `webhook-events` consumer removed, so only the request path runs (verify, claim in the idempotency shard, enqueue, ack); the local queue, with no consumer, drops what it is sent. This is ingest's own cost: in production the consumer runs in separate invocations, not on the cores that answer requests.",
		"- **whole pipeline**: the normal stack; the consumer writes D1 on the same 2 cores while wrk sends. Its ingest CPU ms/request includes draining that round's events (the round ends when the backlog is 0).",
		"",
		"Each ingest run replays unique events signed before it starts (a pool sized from the no-op rate just measured; a request past the pool is a replay, answered as a duplicate). Latency is from wrk's `--latency` report, timed from each request's send (closed loop). CPU ms/request is the CPU time of every process of the `wrangler dev` stack (/proc) divided by the requests answered: much steadier than requests/s on a shared machine. Medians are per column; ratios and deltas are medians of each round's own.",
		"",
		"| stack | round | no-op req/s | ingest events/s | throughput ratio | no-op CPU ms/req | ingest CPU ms/req | CPU ratio (ingest ÷ no-op) | no-op ack p50 / p99 ms | ingest ack p50 / p99 ms | ack Δ p50 / p99 ms | errors (no-op / ingest) | replayed |",
		"|---|---|---|---|---|---|---|---|---|---|---|---|---|",
		...ceilingRows(ackPath),
		...ceilingRows(wholePipeline),
		"",
		ceilingCheck(ackPath),
		ceilingCheck(wholePipeline),
		"",
		"## D1 rows written",
		"",
		'Summed from the consumer\'s per-batch log line (`"msg":"batch"`, `d1_rows_written` from D1\'s own result meta) printed while the step ran; rows/s over the step\'s sending and draining time.',
		"",
		"| step | events settled | batches | rows written | rows/event | seconds | rows/s |",
		"|---|---|---|---|---|---|---|",
		writesRow("ceiling (whole pipeline, all rounds)", wholePipeline.d1Writes),
		writesRow(`backlog drain (${b.events} events)`, b.d1Writes),
		"",
		...(r.storage
			? [
					"## Storage and cost per event",
					"",
					`This run's storage step: ${r.storage.events} events, lost ${r.storage.lost}, double-counted ${r.storage.doubleCounted}. Its per-event costs, the monthly bill and when D1 fills are in [STORAGE.md](STORAGE.md), which \`npm run bench -- --storage\` also rewrites on its own.`,
					"",
				]
			: []),
		"## Load ladder (each step paired with the same schedule on `GET /health/live`)",
		"",
		`1-minute load average at the end of each step: ${r.ladder.map((st) => `${st.name.replace("ladder ", "")} → ${st.loadAverage ?? "–"}`).join(", ")} (${m.nproc} cores).`,
		"",
		...STEP_HEADER,
		...r.ladder.map(stepRow),
		"",
		"## Named steps",
		"",
		...STEP_HEADER,
		stepRow(r.sustained),
		stepRow(r.chaos),
		"",
		"Open-loop ack latency is timed from each request's scheduled send time, so time a request spent waiting behind a slow server counts. End-to-end latency is `latency_ms` in D1 (processed − received). Medians are p50; percentiles are nearest-rank.",
		"",
	].join("\n");
}

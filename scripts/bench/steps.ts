// One bench step each: a load step paired with the same schedule against the
// no-op route (the ladder, 500/min, chaos) and the backlog drain. The
// closed-loop ceiling is in ceiling.ts.
import os from "node:os";
import { createEventFactory, newRunId, seededRandom } from "../events/data";
import { awaitEmptyBacklog } from "../events/drain";
import type { Target } from "../events/http";
import { DEV_ADMIN_TOKEN, DEV_SECRET } from "../events/options";
import { buildReport, type RunReport } from "../events/report";
import { sendBatches } from "../events/scenarios/batch";
import { achievedRate, arrivalOffsets } from "../events/schedule";
import { settle } from "../events/settle";
import { type LatencySummary, summarize } from "../events/stats";
import { type ProbeResult, runLoad, runNoop } from "../events/traffic";
import type { D1Target } from "../stack/d1";
import type { LocalStack } from "../stack/local-stack";
import { type D1Writes, logWindow } from "./batch-log";
import { ackDeltas, ratio } from "./compare";
import { type BenchPlan, failures, type LoadStep } from "./plan";

export interface BenchContext {
	stack: LocalStack;
	d1: D1Target;
	plan: BenchPlan;
	seed: number;
}

export interface NoopNumbers {
	achievedRate: number;
	ack: LatencySummary;
	failures: number;
}

export interface StepResult {
	name: string;
	offeredRate: number | null;
	durationMs: number;
	ingest: RunReport;
	noop: NoopNumbers | null;
	// Ingest relative to the no-op route at the same schedule in the same run.
	ratios: { ackP50: number | null; ackP99: number | null; throughput: number | null };
	// Ingest's ack latency minus the no-op's (ms).
	deltas: { ackP50Ms: number | null; ackP99Ms: number | null };
	failures: string[];
	// 1-minute load average when the step ended: other work on the machine
	// shows up here, so a noisy step can be told from a slow pipeline.
	loadAverage: number;
}

const target = (stack: LocalStack): Target => ({
	url: stack.url,
	secret: DEV_SECRET,
	source: "bench",
	timeoutMs: 15_000,
});

function noopNumbers(probe: ProbeResult): NoopNumbers {
	return { achievedRate: achievedRate(probe.latencies.length, probe.windowMs), ack: summarize(probe.latencies), failures: probe.failures };
}

// Events (single POSTs) on a schedule, drained and reconciled, optionally
// preceded by the identical schedule against GET /health/live.
export async function loadStep(ctx: BenchContext, step: LoadStep, shape: { withNoop: boolean }): Promise<StepResult> {
	const offsets = arrivalOffsets(step.ratePerSecond, step.durationMs);
	const loop = { offsets, concurrency: ctx.plan.concurrency, progress: true };
	const noop = shape.withNoop ? noopNumbers(await runNoop(target(ctx.stack), { ...loop, label: `${step.name} no-op` })) : null;

	const runId = newRunId();
	const startedAt = new Date();
	const factory = createEventFactory({ runId, seed: ctx.seed, expectedEvents: offsets.length });
	const load = await runLoad(target(ctx.stack), factory, {
		...loop,
		duplicateRatio: ctx.plan.duplicateRatio,
		poisonRatio: 0,
		random: seededRandom(ctx.seed),
		label: step.name,
	});
	const settled = await settle(load.records, {
		d1: ctx.d1,
		url: ctx.stack.url,
		adminToken: DEV_ADMIN_TOKEN,
		runId,
		timeoutMs: ctx.plan.drainTimeoutMs,
	});
	const offeredRate = Math.round(step.ratePerSecond * 100) / 100;
	const ingest = buildReport({
		scenario: step.name,
		runId,
		url: ctx.stack.url,
		startedAt,
		records: load.records,
		windowMs: load.windowMs,
		offeredRate,
		...settled,
	});
	return {
		name: step.name,
		offeredRate,
		durationMs: step.durationMs,
		ingest,
		noop,
		ratios: {
			ackP50: ratio(ingest.ack.p50, noop?.ack.p50 ?? null),
			ackP99: ratio(ingest.ack.p99, noop?.ack.p99 ?? null),
			throughput: ratio(ingest.achievedRate, noop?.achievedRate ?? null),
		},
		deltas: ackDeltas(ingest.ack, noop?.ack ?? null),
		failures: failures({ ...ingest, ackP99: ingest.ack.p99 }),
		loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
	};
}

export interface BacklogResult {
	events: number;
	ingest: RunReport;
	// From the first batch sent until the backlog is 0 again.
	drainSeconds: number;
	drainRate: number;
	// What the consumer wrote to D1 meanwhile (its batch log lines).
	d1Writes: D1Writes;
}

// Queue a backlog (batches, faster than the consumer drains), then time its
// drain by polling only GET /api/health (cheap, unlike D1 reads, which start
// a wrangler process each) and reconcile it once drained.
export async function backlogStep(ctx: BenchContext): Promise<BacklogResult> {
	const { events, perRequest, concurrency } = ctx.plan.backlog;
	const runId = newRunId();
	const startedAt = new Date();
	const factory = createEventFactory({ runId, seed: ctx.seed, expectedEvents: events });
	const toQueue = Array.from({ length: events }, () => factory.next());
	process.stderr.write(`[backlog] queueing ${events} events in batches of ${perRequest}\n`);
	const window = logWindow(ctx.stack.logs);
	const sent = await sendBatches(target(ctx.stack), toQueue, perRequest, concurrency);
	const drained = await awaitEmptyBacklog(ctx.stack.url, DEV_ADMIN_TOKEN, { timeoutMs: ctx.plan.drainTimeoutMs });
	const d1Writes = window.stop();
	const drainMs = sent.windowMs + drained.ms;
	process.stderr.write(`[backlog] ${drained.drained ? "drained" : "NOT drained"} ${(drainMs / 1000).toFixed(1)} s after the first batch\n`);
	const settled = await settle(sent.records, {
		d1: ctx.d1,
		url: ctx.stack.url,
		adminToken: DEV_ADMIN_TOKEN,
		runId,
		timeoutMs: ctx.plan.drainTimeoutMs,
	});
	const ingest = buildReport({
		scenario: "backlog",
		runId,
		url: ctx.stack.url,
		startedAt,
		records: sent.records,
		requests: sent.responses.length,
		ackLatencies: sent.responses.map((r) => r.ms),
		windowMs: sent.windowMs,
		...settled,
	});
	return {
		events,
		ingest,
		drainSeconds: Math.round(drainMs / 100) / 10,
		drainRate: Math.round((ingest.processed / drainMs) * 1000 * 10) / 10,
		d1Writes,
	};
}

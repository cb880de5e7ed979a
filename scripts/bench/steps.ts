// One bench step each: a load step paired with the same schedule against the
// no-op route, the closed-loop ceiling, the backlog drain and the chaos run.
import os from "node:os";
import type { D1Target } from "../events/d1";
import { createEventFactory, newRunId, seededRandom } from "../events/data";
import type { Target } from "../events/http";
import { DEV_ADMIN_TOKEN } from "../events/options";
import { buildReport, type RunReport } from "../events/report";
import { sendBatches } from "../events/scenarios/batch";
import { achievedRate, arrivalOffsets } from "../events/schedule";
import { settle } from "../events/settle";
import { type LatencySummary, summarize } from "../events/stats";
import { type ProbeResult, runLoad, runNoop } from "../events/traffic";
import type { LocalStack } from "../stack/local-stack";
import { type BenchPlan, failures, type LoadStep, ratio } from "./plan";

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
	failures: string[];
	// 1-minute load average when the step ended: other work on the machine
	// shows up here, so a noisy step can be told from a slow pipeline.
	loadAverage: number;
}

const target = (stack: LocalStack): Target => ({
	url: stack.url,
	secret: "dev-webhook-secret-do-not-use-in-production",
	source: "bench",
	timeoutMs: 15_000,
});

function noopNumbers(probe: ProbeResult): NoopNumbers {
	return { achievedRate: achievedRate(probe.latencies.length, probe.windowMs), ack: summarize(probe.latencies), failures: probe.failures };
}

// Events (single POSTs) on a schedule, drained and reconciled, optionally
// preceded by the identical schedule against GET /health/live.
export async function loadStep(
	ctx: BenchContext,
	step: LoadStep,
	shape: { withNoop: boolean; closedLoop?: { concurrency: number } },
): Promise<StepResult> {
	const closed = shape.closedLoop;
	const offsets = closed ? new Array<number>(Math.ceil(step.durationMs * 2)).fill(0) : arrivalOffsets(step.ratePerSecond, step.durationMs);
	const loop = {
		offsets,
		concurrency: closed?.concurrency ?? ctx.plan.concurrency,
		progress: true,
		...(closed ? { stopAfterMs: step.durationMs, measureFrom: "send" as const } : {}),
	};
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
	const offeredRate = closed ? null : Math.round(step.ratePerSecond * 100) / 100;
	const ingest = buildReport({
		scenario: step.name,
		runId,
		url: ctx.stack.url,
		startedAt,
		records: load.records,
		windowMs: load.windowMs,
		offeredRate: offeredRate ?? undefined,
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
		failures: failures({ ...ingest, ackP99: ingest.ack.p99 }),
		loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
	};
}

export interface BacklogResult {
	events: number;
	ingest: RunReport;
	drainSeconds: number;
	drainRate: number;
}

// Seed criterion: queue a 1000+ event backlog (batches, faster than the
// consumer), then drain it with nothing lost.
export async function backlogStep(ctx: BenchContext): Promise<BacklogResult> {
	const { events, perRequest, concurrency } = ctx.plan.backlog;
	const runId = newRunId();
	const startedAt = new Date();
	const factory = createEventFactory({ runId, seed: ctx.seed, expectedEvents: events });
	process.stderr.write(`[backlog] queueing ${events} events in batches of ${perRequest}\n`);
	const sent = await sendBatches(
		target(ctx.stack),
		Array.from({ length: events }, () => factory.next()),
		perRequest,
		concurrency,
	);
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
	const drainMs = sent.windowMs + settled.drain.ms;
	return {
		events,
		ingest,
		drainSeconds: Math.round(drainMs / 100) / 10,
		drainRate: Math.round((ingest.processed / drainMs) * 1000 * 10) / 10,
	};
}

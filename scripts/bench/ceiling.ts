// The closed-loop ceiling with wrk: pre-signed unique events replayed at the
// plan's concurrency, alternating with the no-op route GET /health/live on the
// same stack, round after round. wrk (C, no signing while it runs) leaves the
// cores to workerd, where the Node generator's own per-request work would
// skew the ratio against ingest.
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createEventFactory, type EventFactory, newRunId } from "../events/data";
import { awaitEmptyBacklog, healthCounter } from "../events/drain";
import { signedHeaders } from "../events/http";
import { DEV_ADMIN_TOKEN, DEV_SECRET } from "../events/options";
import type { SendRecord } from "../events/reconcile";
import { buildReport, type RunReport } from "../events/report";
import { settle } from "../events/settle";
import type { D1Target } from "../stack/d1";
import type { LocalStack } from "../stack/local-stack";
import { addWrites, type D1Writes, logWindow } from "./batch-log";
import { type BenchPlan, poolSize } from "./plan";
import { cpuMeter } from "./proc";
import { type CeilingResult, type CeilingRound, type CeilingStack, ingestRun, medianOfRounds, pairRound, wrkRun } from "./rounds";
import { countOutcomes, outcomeRecords, parseOutcomes, parseWrkOutput, poolLine, type WrkOutcomes, type WrkSummary, wrkArgs } from "./wrk";

const run = promisify(execFile);
const SCRIPT = path.join(import.meta.dirname, "replay.lua");

// Fails before any stack starts when wrk is not installed.
export function assertWrk(): void {
	const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
	if ((probe.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
		throw new Error("wrk is not installed; the closed-loop ceiling needs it: apt-get install wrk");
	}
}

async function runWrk(
	stack: LocalStack,
	plan: BenchPlan,
	pool: string,
	durationMs: number,
): Promise<{ summary: WrkSummary; outcomes: WrkOutcomes }> {
	const out = `${pool}.out`;
	const { stdout } = await run(
		"wrk",
		wrkArgs({ url: stack.url, concurrency: plan.ceiling.concurrency, threads: 1, durationMs, script: SCRIPT }),
		{
			env: { ...process.env, WRK_POOL: pool, WRK_OUT: out, WRK_THREADS: "1" },
			timeout: durationMs + 120_000,
			maxBuffer: 16 * 1024 * 1024,
		},
	);
	return { summary: parseWrkOutput(stdout), outcomes: parseOutcomes(readFileSync(out, "utf8")) };
}

async function writeIngestPool(file: string, factory: EventFactory, count: number): Promise<void> {
	const lines: string[] = [];
	for (let i = 0; i < count; i++) {
		const body = JSON.stringify(factory.next());
		lines.push(poolLine({ method: "POST", path: "/webhook/events", headers: await signedHeaders(DEV_SECRET, body, "bench"), body }));
	}
	writeFileSync(file, `${lines.join("\n")}\n`);
}

const fmt = (v: number | null, unit = "") => (v === null ? "–" : `${v}${unit}`);

export async function runCeiling(
	kind: CeilingStack,
	ctx: { stack: LocalStack; d1: D1Target; plan: BenchPlan; seed: number },
): Promise<CeilingResult> {
	const { stack, plan } = ctx;
	const { durationMs, rounds: count, warmupMs, poolSafety } = plan.ceiling;
	const whole = kind === "whole pipeline";
	const dir = mkdtempSync(path.join(tmpdir(), "bench-wrk-"));
	const label = `[ceiling, ${kind}]`;
	try {
		const noopPool = path.join(dir, "noop.txt");
		writeFileSync(noopPool, `${poolLine({ method: "GET", path: "/health/live" })}\n`);
		const drain = async () => (whole ? await awaitEmptyBacklog(stack.url, DEV_ADMIN_TOKEN, { timeoutMs: plan.drainTimeoutMs }) : null);

		// Warm-up, not reported: first requests at this concurrency, first
		// isolates and Durable Objects. Its events have a run id of their own.
		process.stderr.write(`${label} warm-up\n`);
		const warm = path.join(dir, "warmup.txt");
		const warmNoop = await runWrk(stack, plan, noopPool, warmupMs);
		await writeIngestPool(
			warm,
			createEventFactory({ runId: newRunId(), seed: ctx.seed }),
			poolSize(warmNoop.summary.requestsPerSecond, warmupMs, poolSafety),
		);
		const warmIngest = await runWrk(stack, plan, warm, warmupMs);
		await drain();

		const runId = newRunId();
		const factory = createEventFactory({ runId, seed: ctx.seed });
		const rounds: CeilingRound[] = [];
		const records: SendRecord[] = [];
		let writes: D1Writes | null = null;
		const startedAt = new Date();
		let sendMs = 0;
		for (let i = 1; i <= count; i++) {
			const noopMeter = cpuMeter(stack.pid);
			const noopRun = await runWrk(stack, plan, noopPool, durationMs);
			const noop = wrkRun(noopRun.summary, noopMeter?.stop() ?? null);

			const pool = path.join(dir, `ingest-${i}.txt`);
			await writeIngestPool(pool, factory, poolSize(noop.rate, durationMs, poolSafety));
			const window = logWindow(stack.logs);
			const meter = cpuMeter(stack.pid);
			const sent = await runWrk(stack, plan, pool, durationMs);
			sendMs += sent.summary.seconds * 1000;
			// Whole pipeline: the consumer's share of these events counts too.
			const drained = await drain();
			const ingest = ingestRun(sent.summary, meter?.stop() ?? null, sent.outcomes, drained?.ms ?? null);
			if (whole) writes = addWrites(writes, window.stop());
			records.push(...outcomeRecords(sent.outcomes));
			const round = pairRound(noop, ingest);
			rounds.push(round);
			process.stderr.write(
				`${label} round ${i}/${count}: no-op ${noop.rate} req/s, ${fmt(noop.cpuMsPerRequest, " CPU ms/req")}; ingest ${ingest.rate}/s, ${fmt(ingest.cpuMsPerRequest, " CPU ms/req")}${drained ? ` (drained in ${drained.ms} ms)` : ""} → ${fmt(round.throughputRatio, "×")} throughput, ${fmt(round.cpuRatio, "×")} CPU, ack p50 ${fmt(round.ackP50DeltaMs, " ms")} vs no-op\n`,
			);
		}

		let ingest: RunReport | null = null;
		let claims: CeilingResult["claims"] = null;
		if (whole) {
			const settled = await settle(records, {
				d1: ctx.d1,
				url: stack.url,
				adminToken: DEV_ADMIN_TOKEN,
				runId,
				timeoutMs: plan.drainTimeoutMs,
			});
			ingest = buildReport({ scenario: `ceiling (${kind})`, runId, url: stack.url, startedAt, records, windowMs: sendMs, ...settled });
		} else {
			// The warm-up's events are claimed too.
			const acked = rounds.reduce((sum, r) => sum + r.ingest.accepted, countOutcomes(warmIngest.outcomes).accepted);
			claims = { acked, claimed: await healthCounter(stack.url, DEV_ADMIN_TOKEN, "accepted") };
		}
		return {
			stack: kind,
			concurrency: plan.ceiling.concurrency,
			durationMs,
			rounds,
			median: medianOfRounds(rounds),
			ingest,
			claims,
			d1Writes: writes,
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

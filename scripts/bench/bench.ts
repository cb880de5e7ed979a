// `npm run bench [-- --quick]`: starts fresh local stacks, runs the fixed
// plan (see plan.ts and docs/bench.md) and writes bench/results.json,
// bench/RESULTS.md and bench/chart.svg. Exit code 1 if any step lost or
// double-counted events. `npm run bench -- --render` re-renders the last
// results.json. `npm run bench -- --storage` runs only the storage step
// (storage.ts, about a minute) on a fresh stack and writes
// bench/storage.json and bench/STORAGE.md, which docs/capacity.md links to.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { backlogOf, healthCounter } from "../events/drain";
import { DEV_ADMIN_TOKEN } from "../events/options";
import type { D1Target } from "../stack/d1";
import { type LocalStack, startLocalStack } from "../stack/local-stack";
import { type Snapshot, snapshotWorker } from "../stack/snapshot";
import { writeAckPathConfig } from "./ack-path";
import { assertWrk, runCeiling } from "./ceiling";
import { ratio } from "./compare";
import { type Footprint, measureFootprint } from "./footprint";
import { formatGenerated } from "./format";
import { describeMachine } from "./machine";
import { renderMarkdown } from "./markdown";
import { benchPlan, highestSustained, isSaturated } from "./plan";
import { type BenchResults, renderBenchChart } from "./results";
import { ceilingSound } from "./rounds";
import { type BenchContext, backlogStep, loadStep, type StepResult } from "./steps";
import { type StorageResult, storagePlan, storageStep } from "./storage";
import { storageMarkdown } from "./storage-markdown";
import { targetVerdicts } from "./targets";

const OUT_DIR = path.resolve(import.meta.dirname, "../../bench");

async function withStack<T>(
	snapshot: Snapshot,
	options: { vars?: Record<string, string>; config?: string },
	body: (stack: LocalStack, d1: D1Target) => Promise<T>,
): Promise<T> {
	const { vars = {}, config } = options;
	const how = [...(config ? [config] : []), ...(Object.keys(vars).length ? [JSON.stringify(vars)] : [])];
	process.stderr.write(`starting a fresh local stack${how.length ? ` with ${how.join(" and ")}` : ""}…\n`);
	const stack = await startLocalStack({ vars, cwd: snapshot.dir, config });
	// Ctrl-C: never leave a wrangler behind.
	const stop = () => void stack.stop().finally(() => process.exit(130));
	process.once("SIGINT", stop);
	try {
		return await body(stack, { persistDir: stack.persistDir, configDir: snapshot.dir });
	} finally {
		process.off("SIGINT", stop);
		await stack.stop();
	}
}

// A --quick smoke run writes beside the full results (bench/quick/, not
// committed) so it never overwrites the numbers the README quotes.
function outputDir(results: BenchResults): string {
	return results.quick ? path.join(OUT_DIR, "quick") : OUT_DIR;
}

function writeOutputs(results: BenchResults): string {
	const dir = outputDir(results);
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
	writeFileSync(path.join(dir, "RESULTS.md"), renderMarkdown(results));
	writeFileSync(path.join(dir, "chart.svg"), renderBenchChart(results));
	formatGenerated([path.join(dir, "RESULTS.md")]);
	return path.relative(process.cwd(), dir);
}

async function main(): Promise<number> {
	const { values } = parseArgs({
		options: { quick: { type: "boolean" }, seed: { type: "string" }, render: { type: "boolean" }, storage: { type: "boolean" } },
	});
	if (values.render && !values.storage) {
		// Re-render RESULTS.md and the chart from an existing results.json.
		const results = JSON.parse(readFileSync(path.join(OUT_DIR, "results.json"), "utf8")) as BenchResults;
		if (!results.ceiling?.ackPath) throw new Error("bench/results.json predates the wrk ceiling: run `npm run bench` to replace it");
		writeOutputs(results);
		return 0;
	}
	const quick = values.quick ?? false;
	const seed = Number(values.seed ?? 20261127);
	if (values.storage) return values.render ? writeStorage(quick ? path.join(OUT_DIR, "quick") : OUT_DIR) : storageOnly(quick, seed);
	assertWrk();

	// The code under test, frozen for the whole bench.
	const snapshot = snapshotWorker();
	try {
		// Before any stack starts, so nothing else competes with the profile.
		const footprint = await measureFootprint(snapshot.dir, { runs: quick ? 3 : 5 }).catch((err: unknown) => {
			process.stderr.write(`footprint not measured: ${String(err)}\n`);
			return undefined;
		});
		return await runPlan(snapshot, quick, seed, footprint);
	} finally {
		snapshot.remove();
	}
}

async function runPlan(snapshot: Snapshot, quick: boolean, seed: number, footprint?: Footprint): Promise<number> {
	const plan = benchPlan(quick);
	const machine = describeMachine();
	const started = performance.now();
	// The ceiling's ack path: its own stack, without the events consumer.
	const ackPath = await withStack(snapshot, { config: writeAckPathConfig(snapshot.dir) }, (stack, d1) =>
		runCeiling("ack path", { stack, d1, plan, seed }),
	);

	const main = await withStack(snapshot, {}, async (stack, d1) => {
		const ctx: BenchContext = { stack, d1, plan, seed };
		const wholePipeline = await runCeiling("whole pipeline", ctx);
		const ladder: StepResult[] = [];
		for (const step of plan.ladder) {
			const result = await loadStep(ctx, step, { withNoop: true });
			ladder.push(result);
			process.stderr.write(`== ${step.name}: ${result.failures.length ? `not sustained (${result.failures.join("; ")})` : "sustained"}\n`);
			if (isSaturated({ ...result.ingest, ackP99: result.ingest.ack.p99 })) break;
		}
		const sustained = await loadStep(ctx, plan.sustained, { withNoop: true });
		const backlog = await backlogStep(ctx);
		// Last on this stack: its retention pass deletes every step's events rows.
		const storage = await storageStep(stack, storagePlan(quick), seed);
		return { wholePipeline, ladder, sustained, backlog, storage };
	});

	const chaos = await withStack(snapshot, { vars: { CHAOS_FAIL_RATE: String(plan.chaos.failRate) } }, async (stack, d1) => {
		const result = await loadStep({ stack, d1, plan, seed }, plan.chaos, { withNoop: false });
		const backlog = await backlogOf(stack.url, DEV_ADMIN_TOKEN);
		process.stderr.write(`== chaos: lost ${result.ingest.lost}, double-counted ${result.ingest.doubleCounted}, backlog ${backlog}\n`);
		return { ...result, failRate: plan.chaos.failRate, retried: await healthCounter(stack.url, DEV_ADMIN_TOKEN, "retried") };
	});

	const { wholePipeline, ladder, sustained, backlog, storage } = main;
	const drainToCeiling = ratio(backlog.drainRate, wholePipeline.median.ingestRate);
	const ok =
		[...ladder, sustained, chaos].map((s) => s.ingest).every((r) => r.lost === 0 && r.doubleCounted === 0) &&
		backlog.ingest.lost === 0 &&
		backlog.ingest.doubleCounted === 0 &&
		storage.lost === 0 &&
		storage.doubleCounted === 0 &&
		ceilingSound(ackPath) &&
		ceilingSound(wholePipeline);
	const results: BenchResults = {
		quick,
		machine,
		startedAt: machine.date,
		durationSeconds: Math.round((performance.now() - started) / 1000),
		plan,
		ceiling: { ackPath, wholePipeline },
		ladder,
		highestSustainedRate: highestSustained(ladder.map((s) => ({ ...s.ingest, offeredRate: s.offeredRate ?? 0, ackP99: s.ingest.ack.p99 }))),
		sustained,
		backlog: { ...backlog, drainToCeiling },
		chaos,
		storage,
		targets: targetVerdicts({
			ackPath: ackPath.median,
			wholePipeline: wholePipeline.median,
			sustainedAckP50DeltaMs: sustained.deltas.ackP50Ms,
			drainToCeiling,
			reconciled: ok,
			...(footprint ? { footprint } : {}),
		}),
		...(footprint ? { footprint } : {}),
		ok,
	};
	const dir = writeOutputs(results);
	process.stdout.write(`${renderMarkdown(results)}\nwrote ${dir}/results.json, RESULTS.md and chart.svg in ${results.durationSeconds} s\n`);
	// The storage step's figures have one home, STORAGE.md (and capacity.md's
	// block), whichever command measured them last; RESULTS.md links there.
	writeFileSync(path.join(dir, "storage.json"), `${JSON.stringify({ quick, machine, storage }, null, 2)}\n`);
	writeStorage(dir);
	return results.ok ? 0 : 1;
}

// The storage step alone, on its own fresh stack: per-event cost, the bill
// and when D1 fills, written where docs/capacity.md links (a --quick run
// beside it in bench/quick/, as for the whole bench).
async function storageOnly(quick: boolean, seed: number): Promise<number> {
	const snapshot = snapshotWorker();
	try {
		const storage: StorageResult = await withStack(snapshot, {}, (stack) => storageStep(stack, storagePlan(quick), seed));
		const dir = quick ? path.join(OUT_DIR, "quick") : OUT_DIR;
		mkdirSync(dir, { recursive: true });
		writeFileSync(path.join(dir, "storage.json"), `${JSON.stringify({ quick, machine: describeMachine(), storage }, null, 2)}\n`);
		return writeStorage(dir);
	} finally {
		snapshot.remove();
	}
}

// STORAGE.md (and, for a full run, docs/capacity.md's block) from storage.json:
// also `npm run bench -- --storage --render`.
function writeStorage(dir: string): number {
	const { quick, machine, storage } = JSON.parse(readFileSync(path.join(dir, "storage.json"), "utf8")) as {
		quick: boolean;
		machine: ReturnType<typeof describeMachine>;
		storage: StorageResult;
	};
	const md = [
		"# Storage and cost per event (generated by `npm run bench -- --storage`; do not edit)",
		"",
		`${machine.date}, ${machine.nproc} × ${machine.cpuModel}, local \`wrangler dev\` (miniflare D1, R2, Queues, Durable Objects).`,
		"",
		...storageMarkdown(storage),
	].join("\n");
	writeFileSync(path.join(dir, "STORAGE.md"), md);
	const written = [path.join(dir, "STORAGE.md")];
	// The full run's figures also go into docs/capacity.md, between its markers.
	if (!quick) written.push(embedStorage(storageMarkdown(storage)));
	formatGenerated(written);
	process.stdout.write(`${md}\nwrote ${path.relative(process.cwd(), dir)}/storage.json and STORAGE.md\n`);
	return storage.lost === 0 && storage.doubleCounted === 0 ? 0 : 1;
}

const CAPACITY = path.resolve(import.meta.dirname, "../../docs/capacity.md");
const BEGIN = "<!-- storage:begin (generated by `npm run bench -- --storage`: do not edit by hand) -->";
const END = "<!-- storage:end -->";

function embedStorage(lines: string[]): string {
	const doc = readFileSync(CAPACITY, "utf8");
	const from = doc.indexOf(BEGIN);
	const to = doc.indexOf(END);
	if (from < 0 || to < from) throw new Error(`docs/capacity.md lacks the ${BEGIN} … ${END} markers`);
	writeFileSync(CAPACITY, `${doc.slice(0, from + BEGIN.length)}\n\n${lines.join("\n")}\n${doc.slice(to)}`);
	return CAPACITY;
}

process.exitCode = await main();

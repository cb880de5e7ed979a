// `npm run events -- <scenario> [options]`: sends signed, realistic webhook
// traffic to a Worker, then reconciles what it was told against D1.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LocalStack, startLocalStack } from "../stack/local-stack";
import { type Snapshot, snapshotWorker } from "../stack/snapshot";
import { createEventFactory, newRunId, seededRandom } from "./data";
import { type CliOptions, parseOptions, USAGE } from "./options";
import { buildReport, formatReport, type RunReport } from "./report";
import { basic } from "./scenarios/basic";
import { batch } from "./scenarios/batch";
import { burst } from "./scenarios/burst";
import type { Scenario } from "./scenarios/common";
import { idempotency } from "./scenarios/idempotency";
import { invalid } from "./scenarios/invalid";
import { load } from "./scenarios/load";
import { settle } from "./settle";

const SCENARIO_RUNNERS: Record<CliOptions["scenario"], Scenario> = { basic, idempotency, burst, batch, invalid, load };

async function runScenario(options: CliOptions, stack: LocalStack | null): Promise<RunReport> {
	const url = stack?.url ?? options.url;
	const d1 = { remote: options.remote, persistDir: stack?.persistDir ?? options.persistTo, configDir: stack?.cwd };
	const runId = newRunId();
	const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
	const expectedEvents = options.scenario === "load" ? Math.ceil((options.rate * options.duration) / 1000) : (options.count ?? 50);
	const startedAt = new Date();
	const run = await SCENARIO_RUNNERS[options.scenario]({
		target: { url, secret: options.secret, source: options.source, timeoutMs: options.timeout },
		options,
		factory: createEventFactory({ runId, seed, expectedEvents }),
		random: seededRandom(seed ^ 0x5eed),
		progress: true,
	});

	const settled = options.reconcile
		? await settle(run.records, { d1, url, adminToken: options.adminToken, runId, timeoutMs: options.drainTimeout })
		: null;
	return buildReport({
		scenario: options.scenario,
		runId,
		url,
		startedAt,
		...run,
		reconciliation: settled?.reconciliation ?? null,
		drain: settled?.drain,
	});
}

async function main(argv: string[]): Promise<number> {
	let options: CliOptions;
	try {
		options = parseOptions(argv);
	} catch (err) {
		process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
		return 2;
	}
	if (options.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	let stack: LocalStack | null = null;
	let stateDir: string | undefined;
	let snapshot: Snapshot | undefined;
	let keepState = false;
	const stop = () => stack?.stop();
	process.once("SIGINT", () => void Promise.resolve(stop()).finally(() => process.exit(130)));
	try {
		if (options.localStack) {
			process.stderr.write("starting a fresh local stack…\n");
			stateDir = mkdtempSync(path.join(tmpdir(), "events-stack-"));
			snapshot = snapshotWorker();
			stack = await startLocalStack({
				persistDir: stateDir,
				cwd: snapshot.dir,
				vars: options.chaos === undefined ? {} : { CHAOS_FAIL_RATE: String(options.chaos) },
			});
			process.stderr.write(`local stack on ${stack.url} (state ${stack.persistDir})\n`);
		}
		const report = await runScenario(options, stack);
		process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
		keepState = !report.ok;
		return report.ok ? 0 : 1;
	} finally {
		await stop();
		snapshot?.remove();
		if (stateDir && keepState && stack) {
			// A failed run's evidence: D1 state and the Worker's logs, for
			// `wrangler d1 execute DB --local --persist-to <dir>`.
			writeFileSync(path.join(stateDir, "wrangler-dev.log"), stack.logs());
			process.stderr.write(`run failed: kept the stack's state and logs in ${stateDir}\n`);
		} else if (stateDir) {
			rmSync(stateDir, { recursive: true, force: true });
		}
	}
}

process.exitCode = await main(process.argv.slice(2));

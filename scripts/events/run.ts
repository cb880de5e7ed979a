// One scenario run against a Worker: send, wait for D1, reconcile, report.
// The CLI's core, also what the e2e tests drive against a fresh local stack.
import type { LocalStack } from "../stack/local-stack";
import { createEventFactory, newRunId, seededRandom } from "./data";
import type { CliOptions } from "./options";
import { buildReport, type RunReport } from "./report";
import { basic } from "./scenarios/basic";
import { batch } from "./scenarios/batch";
import { burst } from "./scenarios/burst";
import type { Scenario } from "./scenarios/common";
import { idempotency } from "./scenarios/idempotency";
import { invalid } from "./scenarios/invalid";
import { load } from "./scenarios/load";
import { providers } from "./scenarios/providers";
import { settle } from "./settle";

const SCENARIO_RUNNERS: Record<CliOptions["scenario"], Scenario> = { basic, idempotency, burst, batch, invalid, load, providers };

// Against `stack` when given (its URL, D1 state and config), else options.url.
export async function runScenario(options: CliOptions, stack: LocalStack | null): Promise<RunReport> {
	const url = stack?.url ?? options.url;
	const d1 = { remote: options.remote, persistDir: stack?.persistDir ?? options.persistTo, configDir: stack?.cwd };
	const runId = newRunId();
	const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
	const expectedEvents = options.scenario === "load" ? Math.ceil((options.rate * options.duration) / 1000) : (options.count ?? 50);
	const startedAt = new Date();
	const { select, checkLanded, ...run } = await SCENARIO_RUNNERS[options.scenario]({
		runId,
		configDir: stack?.cwd,
		target: { url, secret: options.secret, source: options.source, timeoutMs: options.timeout },
		options,
		factory: createEventFactory({ runId, seed, expectedEvents }),
		random: seededRandom(seed ^ 0x5eed),
		progress: true,
	});

	const settled = options.reconcile
		? await settle(run.records, { d1, url, adminToken: options.adminToken, runId, select, timeoutMs: options.drainTimeout })
		: null;
	return buildReport({
		scenario: options.scenario,
		runId,
		url,
		startedAt,
		...run,
		flagged: [...(run.flagged ?? []), ...(settled && checkLanded ? checkLanded(settled.rows) : [])],
		reconciliation: settled?.reconciliation ?? null,
		drain: settled?.drain,
	});
}

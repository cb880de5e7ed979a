// `npm run events -- <scenario> [options]`: sends signed, realistic webhook
// traffic to a Worker, then reconciles what it was told against D1.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type LocalStack, startLocalStack } from "../stack/local-stack";
import { type Snapshot, snapshotWorker } from "../stack/snapshot";
import { type CliOptions, parseOptions, USAGE } from "./options";
import { formatReport } from "./report";
import { runScenario } from "./run";

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

// `npm run deploy [-- --env <name>] [-- <wrangler deploy args>]`: what every
// release runs, and what the Deploy to Cloudflare button runs. Creates the
// queues wrangler does not provision (a consumed-only dead-letter queue) and
// the D1 database the migrations need, applies the migrations remotely (by
// binding name), then `wrangler deploy`. Each step is idempotent.
import { ensureD1, ensureQueue, migrateArgs } from "./resources";
import { readTarget } from "./target";
import { mustRun, outputOf, type Wrangler, wranglerFor } from "./wrangler";

export async function runDeploy(wrangler: Wrangler, env: string | undefined, deployArgs: string[], log = console.log): Promise<void> {
	const target = readTarget({ env });
	// A dry run builds only: nothing is created or migrated.
	if (deployArgs.includes("--dry-run")) {
		log(outputOf(await mustRun(wrangler, ["deploy", ...deployArgs])).trim());
		return;
	}
	for (const queue of target.queues) {
		const change = await ensureQueue(wrangler, queue);
		if (change.created) log(`+ created ${change.what}`);
	}
	for (const db of target.d1) {
		const change = await ensureD1(wrangler, db.name);
		if (change.created) log(`+ created ${change.what}`);
		log(`> wrangler ${migrateArgs(db.binding).join(" ")}`);
		log(outputOf(await mustRun(wrangler, migrateArgs(db.binding))).trim());
	}
	log(`> wrangler deploy ${deployArgs.join(" ")}`.trim());
	log(outputOf(await mustRun(wrangler, ["deploy", ...deployArgs])).trim());
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const argv = process.argv.slice(2);
	const at = argv.indexOf("--env");
	const env = at >= 0 ? argv[at + 1] : undefined;
	const rest = at >= 0 ? [...argv.slice(0, at), ...argv.slice(at + 2)] : argv;
	try {
		await runDeploy(wranglerFor(env), env, rest);
	} catch (err) {
		console.error(`deploy failed: ${err instanceof Error ? err.message : String(err)}`);
		process.exitCode = 1;
	}
}

// `npm run setup [-- --dry-run] [--env <name>] [--url <base>] [--archive-days <n>]`
// Production in one step, for a logged-in wrangler, and idempotent: every
// resource is looked up first and only what is missing is created, so a
// second run creates nothing. --dry-run prints the same plan without running
// wrangler or contacting Cloudflare. Docs: docs/configuration.md.
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { configuredSources, type Source } from "../../src/sources/config";
import {
	archiveDaysFor,
	type Change,
	DEFAULT_ARCHIVE_DAYS,
	deployedUrl,
	ensureBucket,
	ensureD1,
	ensureLifecycleRules,
	ensureQueue,
	lifecycleAddArgs,
	lifecycleRules,
	migrateArgs,
	putSecrets,
	remoteSecretNames,
} from "./resources";
import { smokeTest } from "./smoke";
import { type DeployTarget, ROOT, readTarget } from "./target";
import { mustRun, outputOf, type Wrangler, wranglerFor } from "./wrangler";

// Generated when unset: 32 random bytes, hex (what `openssl rand -hex 32` gives).
export const GENERATED_SECRETS = ["WEBHOOK_SECRET", "ADMIN_TOKEN"] as const;
export const generateSecret = () => randomBytes(32).toString("hex");

export interface SetupOptions {
	dryRun: boolean;
	env?: string;
	url?: string;
	// Unset: ARCHIVE_LIFETIME_DAYS from wrangler.toml, else 365.
	archiveDays?: number;
	smoke: boolean;
}

export const USAGE = `Usage: npm run setup -- [--dry-run] [--env <name>] [--url <https://…>] [--archive-days <n>] [--no-smoke]
  --dry-run           print the plan; run nothing, contact nothing (no login needed)
  --env <name>        target a wrangler environment ([env.<name>] in wrangler.toml)
  --url <base>        the Worker's URL, when it is not the workers.dev one deploy prints
  --archive-days <n>  keep archive/ objects n days (default: ARCHIVE_LIFETIME_DAYS, else ${DEFAULT_ARCHIVE_DAYS})
  --no-smoke          skip the smoke test of the deployed URL`;

export function parseArgs(argv: readonly string[]): SetupOptions {
	const options: SetupOptions = { dryRun: false, smoke: true };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i] as string;
		const value = () => {
			const v = argv[++i];
			if (v === undefined || v.startsWith("--")) throw new Error(`${arg} needs a value\n${USAGE}`);
			return v;
		};
		if (arg === "--dry-run") options.dryRun = true;
		else if (arg === "--no-smoke") options.smoke = false;
		else if (arg === "--env") options.env = value();
		else if (arg === "--url") options.url = value().replace(/\/+$/, "");
		else if (arg === "--archive-days") {
			const n = Number(value());
			if (!Number.isInteger(n) || n < 1) throw new Error(`--archive-days must be a whole number of days ≥ 1\n${USAGE}`);
			options.archiveDays = n;
		} else throw new Error(`Unknown option ${arg}\n${USAGE}`);
	}
	return options;
}

interface Context {
	wrangler: Wrangler;
	target: DeployTarget;
	options: SetupOptions;
	generated: Record<string, string>;
	url?: string;
	failed: boolean;
}

export interface Step {
	title: string;
	// What it runs, as printed by --dry-run.
	commands: string[];
	run: (ctx: Context) => Promise<string[]>;
}

const changeLine = (c: Change) => (c.created ? `+ created ${c.what}` : `✓ ${c.what} exists`);
const wranglerLine = (args: readonly string[], env?: string) => `wrangler ${[...args, ...(env ? ["--env", env] : [])].join(" ")}`;

export function migrationFiles(dir: string): string[] {
	return readdirSync(path.resolve(ROOT, dir))
		.filter((f) => f.endsWith(".sql"))
		.sort();
}

export function sourcesOf(target: DeployTarget): readonly Source[] {
	return configuredSources(target.vars.SOURCES);
}

// The plan, in the order it runs: resources, secrets, migrations, deploy,
// smoke test, URLs.
export function plan(target: DeployTarget, options: SetupOptions): Step[] {
	const w = (args: readonly string[]) => wranglerLine(args, options.env);
	const steps: Step[] = [
		{
			title: "check the wrangler login",
			commands: [w(["whoami", "--json"])],
			run: async ({ wrangler }) => {
				const who = await wrangler(["whoami", "--json"]);
				if (who.code !== 0) throw new Error("wrangler is not logged in: run `npm run wrangler -- login` (or set CLOUDFLARE_API_TOKEN)");
				return ["✓ wrangler is logged in"];
			},
		},
	];
	for (const queue of target.queues) {
		steps.push({
			title: `queue ${queue}: create if missing`,
			commands: [w(["queues", "info", queue]), `${w(["queues", "create", queue])}   # only if missing`],
			run: async ({ wrangler }) => [changeLine(await ensureQueue(wrangler, queue))],
		});
	}
	for (const db of target.d1) {
		steps.push({
			title: `D1 database ${db.name} (${db.binding}): create if missing`,
			commands: [w(["d1", "list", "--json"]), `${w(["d1", "create", db.name])}   # only if missing`],
			run: async ({ wrangler }) => [changeLine(await ensureD1(wrangler, db.name))],
		});
	}
	const rules = lifecycleRules(archiveDaysFor(options.archiveDays, target.vars));
	for (const { binding, bucket } of target.r2) {
		steps.push({
			title: `R2 bucket ${bucket} (${binding}): create if missing`,
			commands: [w(["r2", "bucket", "info", bucket]), `${w(["r2", "bucket", "create", bucket])}   # only if missing`],
			run: async ({ wrangler }) => [changeLine(await ensureBucket(wrangler, bucket))],
		});
		steps.push({
			title: `R2 bucket ${bucket}: lifecycle rules ${rules.map((r) => `${r.prefix} ${r.expireDays} d`).join(", ")}`,
			commands: [
				w(["r2", "bucket", "lifecycle", "list", bucket]),
				...rules.map((r) => `${w(lifecycleAddArgs(bucket, r))}   # only if missing (${r.why})`),
			],
			run: async ({ wrangler }) => (await ensureLifecycleRules(wrangler, bucket, rules)).map(changeLine),
		});
	}
	steps.push({
		title: `secrets ${GENERATED_SECRETS.join(", ")}: generate and put if unset`,
		commands: [w(["secret", "list", "--format", "json"]), `${w(["secret", "bulk"])}   # only the unset ones, values on stdin`],
		run: async (ctx) => {
			const existing = await remoteSecretNames(ctx.wrangler);
			const missing = GENERATED_SECRETS.filter((name) => !existing.has(name));
			for (const name of missing) ctx.generated[name] = generateSecret();
			await putSecrets(ctx.wrangler, ctx.generated);
			const lines = GENERATED_SECRETS.filter((n) => existing.has(n)).map((n) => `✓ secret ${n} is set`);
			if (missing.length) {
				lines.push(
					`+ generated and put ${missing.join(" and ")}. Shown this once only, never logged or stored by setup: keep them now.`,
					...missing.map((name) => `    ${name}=${ctx.generated[name]}`),
				);
			}
			return lines;
		},
	});
	for (const db of target.d1) {
		steps.push({
			title: `apply D1 migrations to ${db.name} (${migrationFiles(db.migrationsDir).join(", ")})`,
			commands: [w(migrateArgs(db.binding))],
			run: async ({ wrangler }) => {
				const out = outputOf(await mustRun(wrangler, migrateArgs(db.binding)));
				return [/No migrations to apply/i.test(out) ? "✓ migrations already applied" : "+ migrations applied"];
			},
		});
	}
	steps.push({
		title: `deploy the Worker ${target.worker}`,
		commands: [w(["deploy"])],
		run: async (ctx) => {
			const out = outputOf(await mustRun(ctx.wrangler, ["deploy"]));
			ctx.url = ctx.options.url ?? deployedUrl(out) ?? undefined;
			return [`✓ deployed${ctx.url ? `: ${ctx.url}` : " (no workers.dev URL printed; pass --url for the smoke test)"}`];
		},
	});
	if (options.smoke) {
		steps.push({
			title: "smoke test: a signed event to <url>/webhook/events gets 202, and the backlog drains (GET /api/health)",
			commands: ["POST <url>/webhook/events (signed with WEBHOOK_SECRET)", "GET <url>/api/health until backlog = 0 (ADMIN_TOKEN)"],
			run: async (ctx) => {
				const secret = ctx.generated.WEBHOOK_SECRET ?? process.env.WEBHOOK_SECRET;
				if (!ctx.url) return ["- smoke test skipped: the Worker's URL is unknown (pass --url)"];
				if (!secret)
					return ["- smoke test skipped: WEBHOOK_SECRET was set before this run (export WEBHOOK_SECRET=… to sign the test event)"];
				const result = await smokeTest({
					url: ctx.url,
					webhookSecret: secret,
					adminToken: ctx.generated.ADMIN_TOKEN ?? process.env.ADMIN_TOKEN,
				});
				if (!result.ok) ctx.failed = true;
				return result.lines;
			},
		});
	}
	steps.push({
		title: "print the webhook URL of every configured source and the dashboard URL",
		commands: [],
		run: async (ctx) => urlLines(ctx.url ?? placeholderUrl(target), sourcesOf(target), await remoteSecretNames(ctx.wrangler)),
	});
	return steps;
}

export const placeholderUrl = (target: DeployTarget) => `https://${target.worker}.<your-subdomain>.workers.dev`;

// Where each source posts, and which secret it still needs.
export function urlLines(url: string, sources: readonly Source[], secrets: ReadonlySet<string> | null): string[] {
	const lines = [`Webhook URLs:`, `  ${url}/webhook/events   (our envelope, signed with WEBHOOK_SECRET; batches: /webhook/batch)`];
	for (const source of sources) {
		const main = source.secretVars[0];
		const status =
			secrets === null || main === undefined
				? ""
				: secrets.has(main)
					? `   ✓ ${main} set`
					: `   needs: npm run wrangler -- secret put ${main}`;
		lines.push(`  ${url}/webhook/${source.name}   (${source.kind})${status}`);
	}
	lines.push(`Dashboard: ${url}/dashboard/   (sign in with ADMIN_TOKEN)`);
	return lines;
}

export async function runSetup(options: SetupOptions, log: (line: string) => void = console.log): Promise<number> {
	const target = readTarget({ env: options.env });
	const steps = plan(target, options);
	log(
		`Setup plan for the Worker ${target.worker}${options.env ? ` (env ${options.env})` : ""} from ${path.relative(process.cwd(), target.configPath) || target.configPath}:`,
	);
	steps.forEach((step, i) => {
		log(`${String(i + 1).padStart(2)}. ${step.title}`);
		if (options.dryRun) for (const command of step.commands) log(`      ${command}`);
	});
	if (options.dryRun) {
		log("");
		for (const line of urlLines(options.url ?? placeholderUrl(target), sourcesOf(target), null)) log(line);
		log(
			"\nDry run: nothing was run and Cloudflare was not contacted. Run `npm run setup` (logged in: `npm run wrangler -- login`) to apply.",
		);
		return 0;
	}
	const ctx: Context = { wrangler: wranglerFor(options.env), target, options, generated: {}, failed: false };
	for (const [i, step] of steps.entries()) {
		log(`\n[${i + 1}/${steps.length}] ${step.title}`);
		for (const line of await step.run(ctx)) log(`  ${line}`);
	}
	if (ctx.failed) {
		log("\nSetup finished, but the smoke test failed (above). `npm run wrangler -- tail` shows the Worker's logs.");
		return 1;
	}
	log("\nSetup complete. Check the configuration any time with `npm run doctor`.");
	return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	try {
		process.exitCode = await runSetup(parseArgs(process.argv.slice(2)));
	} catch (err) {
		console.error(`\nsetup failed: ${err instanceof Error ? err.message : String(err)}`);
		process.exitCode = 1;
	}
}

#!/usr/bin/env node
// A stand-in for `wrangler` in the setup and deploy tests (put first on PATH
// as `wrangler`): it never contacts Cloudflare. It records every call (argv
// and stdin) as a JSON line in $STUB_WRANGLER_LOG and keeps a fake account in
// $STUB_WRANGLER_STATE (queues, D1 databases, buckets, lifecycle rules, the
// Worker's secrets), answering the subcommands setup uses the way wrangler
// 4.156 does, including its "does not exist" errors.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";

const statePath = process.env.STUB_WRANGLER_STATE;
const logPath = process.env.STUB_WRANGLER_LOG;
const argv = process.argv.slice(2);
const stdin = process.stdin.isTTY ? "" : readFileSync(0, "utf8");
appendFileSync(logPath, `${JSON.stringify({ args: argv, stdin })}\n`);

const state = JSON.parse(readFileSync(statePath, "utf8"));
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
const envAt = argv.indexOf("--env");
const args = envAt >= 0 ? [...argv.slice(0, envAt), ...argv.slice(envAt + 2)] : argv;
const worker = envAt >= 0 ? `webhook-pipeline-${argv[envAt + 1]}` : "webhook-pipeline";
const out = (s) => process.stdout.write(`${s}\n`);
const fail = (s) => {
	process.stderr.write(`✘ [ERROR] ${s}\n`);
	process.exit(1);
};
const cmd = args
	.filter((a) => !a.startsWith("-"))
	.slice(0, 4)
	.join(" ");

if (args[0] === "whoami") {
	if (!state.loggedIn) fail("You are not authenticated. Please run `wrangler login`.");
	out(JSON.stringify({ loggedIn: true, email: "ops@example.com" }));
} else if (cmd.startsWith("queues info")) {
	if (!state.queues.includes(args[2])) fail(`Queue "${args[2]}" does not exist. To create it, run: wrangler queues create ${args[2]}`);
	out(`Queue Name: ${args[2]}`);
} else if (cmd.startsWith("queues create")) {
	if (state.queues.includes(args[2])) fail(`A queue with name ${args[2]} already exists [code: 11009]`);
	state.queues.push(args[2]);
	out(`Created queue ${args[2]}.`);
} else if (cmd.startsWith("d1 list")) {
	out(JSON.stringify(state.d1.map((name, i) => ({ uuid: `0000000${i}-stub`, name }))));
} else if (cmd.startsWith("d1 create")) {
	if (state.d1.includes(args[2])) fail(`A database with that name already exists [code: 7502]`);
	state.d1.push(args[2]);
	out(`✅ Successfully created DB '${args[2]}'`);
} else if (cmd.startsWith("r2 bucket info")) {
	if (!state.buckets[args[3]]) fail(`A request to the Cloudflare API failed. The specified bucket does not exist. [code: 10006]`);
	out(`name: ${args[3]}`);
} else if (cmd.startsWith("r2 bucket create")) {
	if (state.buckets[args[3]]) fail("The bucket you tried to create already exists, and you own it. [code: 10004]");
	state.buckets[args[3]] = [];
	out(`Created bucket '${args[3]}'`);
} else if (cmd.startsWith("r2 bucket lifecycle list")) {
	const rules = state.buckets[args[4]];
	if (!rules) fail("The specified bucket does not exist. [code: 10006]");
	out(`Listing lifecycle rules for bucket '${args[4]}'...`);
	if (rules.length === 0) out(`There are no lifecycle rules for bucket '${args[4]}'.`);
	else
		out(
			rules.map((r) => `name:    ${r.name}\nenabled: Yes\nprefix:  ${r.prefix}\naction:  Expire objects after ${r.days} days`).join("\n\n"),
		);
} else if (cmd.startsWith("r2 bucket lifecycle add")) {
	const [, , , , bucket, name, prefix] = args;
	const days = Number(args[args.indexOf("--expire-days") + 1]);
	if (!args.includes("--force")) fail("stub: lifecycle add would prompt without --force");
	state.buckets[bucket].push({ name, prefix, days });
	out(`✨ Added lifecycle rule '${name}' to bucket '${bucket}'.`);
} else if (cmd.startsWith("secret list")) {
	if (!state.workers[worker]) fail(`Worker "${worker}" not found.\nIf this is a new Worker, run \`wrangler deploy\` first to create it.`);
	out(JSON.stringify(Object.keys(state.workers[worker].secrets).map((name) => ({ name, type: "secret_text" }))));
} else if (cmd.startsWith("secret bulk")) {
	state.workers[worker] ??= { secrets: {}, deployed: 0 };
	Object.assign(state.workers[worker].secrets, JSON.parse(stdin));
	out(`✨ ${Object.keys(JSON.parse(stdin)).length} secrets successfully uploaded`);
} else if (cmd.startsWith("d1 migrations apply")) {
	if (!args.includes("--remote")) fail("stub: migrations must be applied with --remote");
	if (!state.d1.length) fail(`Couldn't find a D1 DB named 'webhook-pipeline' (bound as '${args[3]}') in the API.`);
	if (state.migrated) out("✅ No migrations to apply!");
	else {
		state.migrated = true;
		out("🌀 Applying 7 migrations\n✅ Migrations applied");
	}
} else if (cmd === "deploy") {
	state.workers[worker] ??= { secrets: {}, deployed: 0 };
	state.workers[worker].deployed += 1;
	out(`Uploaded ${worker}\nDeployed ${worker} triggers\n  https://${worker}.stub-account.workers.dev\n  schedule: * * * * *`);
} else {
	fail(`stub wrangler: unsupported command ${argv.join(" ")}`);
}
save();

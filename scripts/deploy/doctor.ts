// `npm run doctor [-- --env <name>] [--config <wrangler.toml>]`: checks the deploy configuration
// offline, with the same schemas the Worker parses it with: wrangler.toml's
// vars (the numbers and flags, SOURCES, ALERT_RULES), no account ids, and the
// secrets each configured source needs, read from .dev.vars and the
// environment, flagging the published dev values. Exit 1 on a config error;
// missing or dev secrets are warnings (production's are checked remotely with
// `npm run wrangler -- secret list`).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseAlertRules } from "../../src/alerting/config";
import { ENV_SCHEMA, parseConfigVars } from "../../src/shared/config";
import { isDevSecret } from "../../src/shared/dev-secrets";
import { parseSources, type Source, SourceConfigError } from "../../src/sources/config";
import { parseDevVars } from "../events/providers/secrets";
import { ROOT, readTarget } from "./target";

export interface Finding {
	level: "error" | "warn" | "ok";
	text: string;
}

// Vars as the Worker receives them: strings, except SOURCES (a TOML array).
export function checkVars(vars: Readonly<Record<string, unknown>>): { findings: Finding[]; sources: readonly Source[] } {
	const findings: Finding[] = [];
	const { issues } = parseConfigVars(vars);
	for (const issue of issues) findings.push({ level: "error", text: `${issue.var}=${JSON.stringify(issue.value)} ${issue.message}` });
	const set = Object.keys(ENV_SCHEMA).filter((name) => vars[name] !== undefined).length;
	if (!issues.length) findings.push({ level: "ok", text: `numeric and boolean vars parse (${set} set, the rest at their defaults)` });

	let sources: readonly Source[] = [];
	if (vars.SOURCES === undefined)
		findings.push({ level: "warn", text: "SOURCES is not set: the Worker serves one default source per preset" });
	else {
		try {
			sources = parseSources(vars.SOURCES);
			findings.push({ level: "ok", text: `SOURCES: ${sources.map((s) => `${s.name} (${s.kind})`).join(", ")}` });
		} catch (err) {
			if (!(err instanceof SourceConfigError)) throw err;
			for (const issue of err.issues) findings.push({ level: "error", text: `SOURCES ${issue.field}: ${issue.message}` });
		}
	}

	const problems: string[] = [];
	parseAlertRules(typeof vars.ALERT_RULES === "string" ? vars.ALERT_RULES : undefined, problems);
	for (const problem of problems) findings.push({ level: "error", text: problem.replace(/; using the default rules$/, "") });
	if (!problems.length) findings.push({ level: "ok", text: "ALERT_RULES parses" });
	return { findings, sources };
}

export function checkNoIds(toml: string): Finding[] {
	const ids = [...toml.matchAll(/^\s*(database_id|preview_database_id|account_id)\s*=/gm)].map((m) => m[1]);
	return ids.length
		? [{ level: "error", text: `wrangler.toml holds account-specific ids (${ids.join(", ")}): bind D1 by database_name only` }]
		: [{ level: "ok", text: "no account ids in wrangler.toml" }];
}

// The secrets the Worker needs, where each is set, and which hold dev values.
export function checkSecrets(
	sources: readonly Source[],
	layers: { name: string; vars: Readonly<Record<string, string | undefined>> }[],
): Finding[] {
	const findings: Finding[] = [];
	const lookup = (name: string) => {
		for (const layer of layers) {
			const value = layer.vars[name];
			if (value?.trim()) return { where: layer.name, value };
		}
		return null;
	};
	const needs: [string, string][] = [
		["WEBHOOK_SECRET", "signs /webhook/events and /webhook/batch"],
		["ADMIN_TOKEN", "guards /api, /metrics and the dashboard"],
		...sources.flatMap((s): [string, string][] =>
			s.unsigned ? [] : s.secretVars.slice(0, 1).map((v) => [v, `source ${s.name} (${s.kind})`]),
		),
	];
	for (const [name, why] of needs) {
		const found = lookup(name);
		if (!found) findings.push({ level: "warn", text: `${name} is not set (${why}): npm run wrangler -- secret put ${name}` });
		else if (isDevSecret(found.value)) {
			findings.push({
				level: "warn",
				text: `${name} holds the published dev value (in ${found.where}): fine for wrangler dev, refused on any host but localhost`,
			});
		} else findings.push({ level: "ok", text: `${name} is set (${found.where})` });
	}
	return findings;
}

export function runDoctor(argv: readonly string[], log = console.log): number {
	const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
	const env = option("--env");
	const target = readTarget({ env, configPath: option("--config") });
	const devVarsPath = path.join(ROOT, env ? `.dev.vars.${env}` : ".dev.vars");
	const devVars = existsSync(devVarsPath) ? parseDevVars(readFileSync(devVarsPath, "utf8")) : {};
	const { findings: varFindings, sources } = checkVars(target.vars);
	const findings = [
		...checkNoIds(readFileSync(target.configPath, "utf8")),
		...varFindings,
		...checkSecrets(sources, [
			{ name: "the environment", vars: process.env },
			{ name: path.basename(devVarsPath), vars: devVars },
		]),
	];
	log(
		`Checking ${path.relative(process.cwd(), target.configPath) || target.configPath}${env ? ` (env ${env})` : ""} for the Worker ${target.worker}:`,
	);
	const mark = { error: "✗", warn: "!", ok: "✓" } as const;
	for (const f of findings) log(`  ${mark[f.level]} ${f.text}`);
	const errors = findings.filter((f) => f.level === "error").length;
	const warnings = findings.filter((f) => f.level === "warn").length;
	log(
		errors
			? `\n${errors} error(s): the Worker would refuse requests (503 config_invalid) with this configuration.`
			: `\nConfiguration OK${warnings ? `, ${warnings} warning(s)` : ""}. Production's secrets: npm run wrangler -- secret list`,
	);
	return errors ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	process.exitCode = runDoctor(process.argv.slice(2));
}

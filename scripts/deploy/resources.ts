// Idempotent "create if missing" for everything wrangler does not provision
// on deploy (queues consumed but never bound as producers, such as a
// dead-letter queue; lifecycle rules) or that must exist before deploy (the
// D1 database the migrations run against). Each looks first and creates
// only what is missing, so a second run creates nothing.

import { ENV_SCHEMA, readConfig } from "../../src/shared/config";
import { mustRun, outputOf, type Wrangler, WranglerError } from "./wrangler";

export interface Change {
	what: string;
	created: boolean;
}

// `queues info` exits non-zero with `Queue "x" does not exist.` when absent.
export async function ensureQueue(wrangler: Wrangler, name: string): Promise<Change> {
	const info = await wrangler(["queues", "info", name]);
	if (info.code === 0) return { what: `queue ${name}`, created: false };
	if (!/does not exist/i.test(outputOf(info))) throw new WranglerError(["queues", "info", name], info);
	await mustRun(wrangler, ["queues", "create", name]);
	return { what: `queue ${name}`, created: true };
}

export async function ensureD1(wrangler: Wrangler, name: string): Promise<Change> {
	const list = await mustRun(wrangler, ["d1", "list", "--json"]);
	const databases = JSON.parse(list.stdout.slice(list.stdout.indexOf("["))) as { name: string }[];
	if (databases.some((d) => d.name === name)) return { what: `D1 database ${name}`, created: false };
	await mustRun(wrangler, ["d1", "create", name]);
	return { what: `D1 database ${name}`, created: true };
}

export async function ensureBucket(wrangler: Wrangler, bucket: string): Promise<Change> {
	const info = await wrangler(["r2", "bucket", "info", bucket]);
	if (info.code === 0) return { what: `R2 bucket ${bucket}`, created: false };
	if (!/does not exist|not found|10006/i.test(outputOf(info))) throw new WranglerError(["r2", "bucket", "info", bucket], info);
	await mustRun(wrangler, ["r2", "bucket", "create", bucket]);
	return { what: `R2 bucket ${bucket}`, created: true };
}

export interface LifecycleRule {
	name: string;
	prefix: string;
	expireDays: number;
	why: string;
}

// Keys the Worker writes to its bucket(s), each expired by one rule:
// claim-check bodies (src/ingest/accept.ts PAYLOAD_PREFIX), dead letters D1
// could not take (src/consumer/dead-letter-archive.ts), and the raw-event
// archive. Archived events can point at claim-checked bodies, so payloads/
// is kept at least as long as archive/ (and never under 30 days, the most
// a queue retry can still need one).
export const DEFAULT_ARCHIVE_DAYS = Number(ENV_SCHEMA.ARCHIVE_LIFETIME_DAYS.default);
const MIN_PAYLOAD_DAYS = 30;

// The archive's lifetime: --archive-days, else the ARCHIVE_LIFETIME_DAYS var
// as the Worker reads it (its default when wrangler.toml does not set it; a
// value that does not parse throws ConfigError, as the Worker would refuse it).
export function archiveDaysFor(option: number | undefined, vars: Readonly<Record<string, unknown>>): number {
	return option ?? readConfig(vars).archiveLifetimeDays;
}

export function lifecycleRules(archiveDays = DEFAULT_ARCHIVE_DAYS): LifecycleRule[] {
	return [
		{
			name: "expire-payloads",
			prefix: "payloads/",
			expireDays: Math.max(MIN_PAYLOAD_DAYS, archiveDays),
			why: "claim-check bodies of large events",
		},
		{ name: "expire-dead-letters", prefix: "dead-letters/", expireDays: 90, why: "dead letters D1 could not store" },
		{ name: "expire-archive", prefix: "archive/", expireDays: archiveDays, why: "raw-event archive" },
	];
}

export const lifecycleAddArgs = (bucket: string, rule: LifecycleRule) => [
	"r2",
	"bucket",
	"lifecycle",
	"add",
	bucket,
	rule.name,
	rule.prefix,
	"--expire-days",
	String(rule.expireDays),
	"--force",
];

// `lifecycle list` prints each rule as labelled lines ("name:  <id>").
export function lifecycleRuleNames(output: string): string[] {
	return [...output.matchAll(/^\s*name:\s+(\S+)/gim)].map((m) => m[1] as string);
}

export async function ensureLifecycleRules(wrangler: Wrangler, bucket: string, rules: readonly LifecycleRule[]): Promise<Change[]> {
	const existing = new Set(lifecycleRuleNames(outputOf(await mustRun(wrangler, ["r2", "bucket", "lifecycle", "list", bucket]))));
	const changes: Change[] = [];
	for (const rule of rules) {
		const what = `lifecycle rule ${rule.name} on ${bucket} (${rule.prefix} after ${rule.expireDays} days)`;
		if (existing.has(rule.name)) {
			changes.push({ what, created: false });
			continue;
		}
		await mustRun(wrangler, lifecycleAddArgs(bucket, rule));
		changes.push({ what, created: true });
	}
	return changes;
}

// The Worker's secret names; none when the Worker does not exist yet.
export async function remoteSecretNames(wrangler: Wrangler): Promise<Set<string>> {
	const args = ["secret", "list", "--format", "json"];
	const list = await wrangler(args);
	if (list.code !== 0) {
		if (/not found/i.test(outputOf(list))) return new Set();
		throw new WranglerError(args, list);
	}
	const secrets = JSON.parse(list.stdout.slice(list.stdout.indexOf("["))) as { name: string }[];
	return new Set(secrets.map((s) => s.name));
}

// Puts secrets in one call, the values as JSON on stdin (never in argv or a
// file). `secret bulk` creates the Worker as a draft when it does not exist.
export async function putSecrets(wrangler: Wrangler, values: Record<string, string>): Promise<void> {
	if (Object.keys(values).length === 0) return;
	await mustRun(wrangler, ["secret", "bulk"], { input: JSON.stringify(values) });
}

export const migrateArgs = (binding: string) => ["d1", "migrations", "apply", binding, "--remote"];

// The Worker's URL as `wrangler deploy` prints it (workers.dev, or a route).
export function deployedUrl(output: string): string | null {
	return /https:\/\/[a-z0-9.-]+\.workers\.dev\b/i.exec(output)?.[0] ?? null;
}

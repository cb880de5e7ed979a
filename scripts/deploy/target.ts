// What a deployment consists of, read from wrangler.toml (for one wrangler
// environment, --env): the Worker's name, every queue it produces to or
// consumes (dead-letter queues included), the D1 databases and R2 buckets by
// name, and its vars. Setup, deploy and doctor all plan from this.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export interface DeployTarget {
	env?: string;
	worker: string;
	queues: string[];
	d1: { binding: string; name: string; migrationsDir: string }[];
	r2: { binding: string; bucket: string }[];
	vars: Record<string, unknown>;
	configPath: string;
}

// The slice of wrangler's config read here. Read with a TOML parser rather
// than wrangler's own reader, which takes seconds to load; a test checks
// both read the same (scripts/deploy/target.test.ts).
interface RawConfig {
	name?: string;
	queues?: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
	d1_databases?: { binding: string; database_name?: string; migrations_dir?: string }[];
	r2_buckets?: { binding: string; bucket_name?: string }[];
	vars?: Record<string, unknown>;
}

// Every queue name, in first-mention order, each once.
export function queueNames(queues: RawConfig["queues"]): string[] {
	const names = [
		...(queues?.producers ?? []).map((p) => p.queue),
		...(queues?.consumers ?? []).flatMap((c) => [c.queue, ...(c.dead_letter_queue ? [c.dead_letter_queue] : [])]),
	];
	return [...new Set(names)];
}

export function targetFrom(raw: RawConfig, configPath: string, env?: string): DeployTarget {
	if (!raw.name) throw new Error(`${configPath} has no Worker name`);
	return {
		...(env ? { env } : {}),
		worker: raw.name,
		queues: queueNames(raw.queues),
		d1: (raw.d1_databases ?? []).map((d) => {
			if (!d.database_name) throw new Error(`D1 binding ${d.binding} has no database_name`);
			return { binding: d.binding, name: d.database_name, migrationsDir: d.migrations_dir ?? "migrations" };
		}),
		r2: (raw.r2_buckets ?? []).map((b) => {
			if (!b.bucket_name) throw new Error(`R2 binding ${b.binding} has no bucket_name`);
			return { binding: b.binding, bucket: b.bucket_name };
		}),
		vars: raw.vars ?? {},
		configPath,
	};
}

// wrangler's environment rules for these keys: the Worker is named
// <name>-<env> unless the environment names it; an [env.<name>] section
// declares its own bindings and vars (none are inherited), and a name with
// no section gets the top level's.
export function resolveEnv(top: RawConfig & { env?: Record<string, RawConfig> }, env?: string): RawConfig {
	if (!env) return top;
	const section = top.env?.[env];
	if (!section) return { ...top, name: `${top.name}-${env}` };
	return {
		name: section.name ?? `${top.name}-${env}`,
		queues: section.queues,
		d1_databases: section.d1_databases,
		r2_buckets: section.r2_buckets,
		vars: section.vars,
	};
}

export function readTarget(options: { env?: string; configPath?: string } = {}): DeployTarget {
	const configPath = options.configPath ?? path.join(ROOT, "wrangler.toml");
	const top = parse(readFileSync(configPath, "utf8")) as RawConfig & { env?: Record<string, RawConfig> };
	return targetFrom(resolveEnv(top, options.env), configPath, options.env);
}

// The Worker's numeric and boolean vars as ONE schema: each var's type,
// bounds and default are declared once here, the env object is parsed once
// (per object: an isolate's env does not change between requests), and a
// value that does not parse is an error, never a silent fallback. Unset or
// blank means the default. Pure: tests pass plain objects; `npm run doctor`
// checks wrangler.toml with this same schema before a deploy.
// SOURCES (src/sources/config.ts) and ALERT_RULES (src/alerting/core/rules.ts) are
// JSON with schemas of their own.

export interface PipelineConfig {
	maxBodyBytes: number;
	maxBatchEvents: number;
	idempotencyShards: number;
	idempotencyTtlMs: number;
	allowUnsigned: boolean;
	chaosFailRate: number;
	metricsFlushMs: number;
	deliveryTimeoutMs: number;
	deliveryBackoffBaseSeconds: number;
	deliveryBackoffCapSeconds: number;
	breakerFailureThreshold: number;
	breakerProbeBaseMs: number;
	alertCooldownMs: number;
	// Days of events rows, attempts, deliveries, alert samples and resolved
	// dead letters D1 keeps (src/retention/); the archive in R2 keeps payloads.
	retentionDays: number;
	// Days the R2 archive keeps its objects: the lifecycle rule on archive/
	// (set by the setup path) and how long the archive manifest is kept.
	archiveLifetimeDays: number;
}

// Bodies larger than a queue message (128 KB) travel as a claim check (the
// message carries an R2 key); the archive row must still fit D1's 2 MB row,
// with room for the rest of it.
export const MAX_BODY_BYTES_CEILING = 1_800_000;
// A delivery request never waits longer than this.
export const MAX_DELIVERY_TIMEOUT_MS = 30_000;

interface VarSpec {
	kind: "int" | "ratio" | "boolean";
	default: string;
	min?: number;
	max?: number;
	meaning: string;
}

// Every var, its default (as wrangler.toml would write it) and its bounds.
export const ENV_SCHEMA = {
	MAX_BODY_BYTES: { kind: "int", default: "1048576", min: 1, max: MAX_BODY_BYTES_CEILING, meaning: "largest request body, in bytes" },
	MAX_BATCH_EVENTS: { kind: "int", default: "100", min: 1, max: 10_000, meaning: "most events in one POST /webhook/batch" },
	IDEMPOTENCY_SHARDS: { kind: "int", default: "16", min: 1, max: 4096, meaning: "idempotency Durable Objects" },
	IDEMPOTENCY_TTL_SECONDS: { kind: "int", default: "86400", min: 1, meaning: "how long an event_id is remembered" },
	ALLOW_UNSIGNED: { kind: "boolean", default: "false", meaning: '"true" accepts events while WEBHOOK_SECRET is unset' },
	CHAOS_FAIL_RATE: { kind: "ratio", default: "0", meaning: "dev-only share of handler calls failed on purpose" },
	METRICS_FLUSH_MS: { kind: "int", default: "1000", min: 0, max: 60_000, meaning: "how long ingest counters gather before a write" },
	DELIVERY_TIMEOUT_MS: { kind: "int", default: "10000", min: 1, max: MAX_DELIVERY_TIMEOUT_MS, meaning: "one delivery request's timeout" },
	DELIVERY_BACKOFF_BASE_SECONDS: { kind: "int", default: "5", min: 1, meaning: "delivery retry backoff base" },
	DELIVERY_BACKOFF_CAP_SECONDS: { kind: "int", default: "21600", min: 1, meaning: "longest wait between delivery attempts" },
	BREAKER_FAILURE_THRESHOLD: { kind: "int", default: "5", min: 1, meaning: "failures that open a destination's breaker" },
	BREAKER_PROBE_BASE_SECONDS: { kind: "int", default: "60", min: 1, meaning: "wait before an open breaker's first probe" },
	ALERT_COOLDOWN_SECONDS: { kind: "int", default: "900", min: 0, meaning: "how long an alert stays clear before resolving" },
	RETENTION_DAYS: { kind: "int", default: "30", min: 1, max: 3650, meaning: "days D1 keeps event index rows, attempts and deliveries" },
	ARCHIVE_LIFETIME_DAYS: { kind: "int", default: "365", min: 1, max: 36_500, meaning: "days the R2 archive keeps raw events" },
} as const satisfies Record<string, VarSpec>;

export type ConfigVarName = keyof typeof ENV_SCHEMA;
export type ConfigVars = Partial<Record<ConfigVarName, string | undefined>>;

// wrangler.toml sets a var only to differ from its default, so the generated
// Env (wrangler types) names only those it sets. These optional vars are
// typed here instead, set or not: the numeric and boolean vars of ENV_SCHEMA
// (read them through configFor) and ALERT_RULES (JSON overrides,
// src/alerting/core/rules.ts).
export interface OptionalVars extends ConfigVars {
	ALERT_RULES?: string;
}

declare global {
	interface Env extends OptionalVars {}
	namespace Cloudflare {
		interface Env extends OptionalVars {}
	}
}

export interface ConfigIssue {
	var: ConfigVarName;
	value: string;
	message: string;
}

// Thrown by readConfig and configFor, naming every bad var at once.
export class ConfigError extends Error {
	override name = "ConfigError";
	constructor(readonly issues: readonly ConfigIssue[]) {
		super(`Invalid vars: ${issues.map((i) => `${i.var}=${JSON.stringify(i.value)} ${i.message}`).join("; ")}`);
	}
}

function parseVar(spec: VarSpec, raw: string): number | boolean | string {
	const text = raw.trim();
	if (spec.kind === "boolean") {
		if (text === "true" || text === "false") return text === "true";
		return 'must be "true" or "false"';
	}
	if (spec.kind === "ratio") {
		const n = Number(text);
		return /^\d+(\.\d+)?$/.test(text) && n >= 0 && n <= 1 ? n : "must be a number from 0 to 1, e.g. 0.05";
	}
	const n = Number(text);
	const range = spec.max === undefined ? `≥ ${spec.min}` : `from ${spec.min} to ${spec.max}`;
	if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) return `must be a whole number ${range}, e.g. ${spec.default}`;
	if (n < (spec.min ?? 0) || (spec.max !== undefined && n > spec.max)) return `must be ${range}`;
	return n;
}

// Every var's value (the default when unset or blank) and every problem.
export function parseConfigVars(vars: Readonly<Record<string, unknown>>): {
	values: Record<ConfigVarName, number | boolean>;
	issues: ConfigIssue[];
} {
	const values = {} as Record<ConfigVarName, number | boolean>;
	const issues: ConfigIssue[] = [];
	for (const [name, spec] of Object.entries(ENV_SCHEMA) as [ConfigVarName, VarSpec][]) {
		const raw = vars[name];
		const given = raw === undefined || raw === null || String(raw).trim() === "" ? undefined : String(raw);
		const parsed = parseVar(spec, given ?? spec.default);
		if (typeof parsed === "string") {
			issues.push({ var: name, value: given ?? "", message: parsed });
			values[name] = parseVar(spec, spec.default) as number | boolean;
		} else values[name] = parsed;
	}
	return { values, issues };
}

// The typed config; throws ConfigError when any var does not parse.
export function readConfig(vars: Readonly<Record<string, unknown>>): PipelineConfig {
	const { values: v, issues } = parseConfigVars(vars);
	if (issues.length) throw new ConfigError(issues);
	const n = (name: ConfigVarName) => v[name] as number;
	return {
		maxBodyBytes: n("MAX_BODY_BYTES"),
		maxBatchEvents: n("MAX_BATCH_EVENTS"),
		idempotencyShards: n("IDEMPOTENCY_SHARDS"),
		idempotencyTtlMs: n("IDEMPOTENCY_TTL_SECONDS") * 1000,
		allowUnsigned: v.ALLOW_UNSIGNED as boolean,
		chaosFailRate: n("CHAOS_FAIL_RATE"),
		metricsFlushMs: n("METRICS_FLUSH_MS"),
		deliveryTimeoutMs: n("DELIVERY_TIMEOUT_MS"),
		deliveryBackoffBaseSeconds: n("DELIVERY_BACKOFF_BASE_SECONDS"),
		// The cap never undercuts the base.
		deliveryBackoffCapSeconds: Math.max(n("DELIVERY_BACKOFF_BASE_SECONDS"), n("DELIVERY_BACKOFF_CAP_SECONDS")),
		breakerFailureThreshold: n("BREAKER_FAILURE_THRESHOLD"),
		breakerProbeBaseMs: n("BREAKER_PROBE_BASE_SECONDS") * 1000,
		alertCooldownMs: n("ALERT_COOLDOWN_SECONDS") * 1000,
		retentionDays: n("RETENTION_DAYS"),
		archiveLifetimeDays: n("ARCHIVE_LIFETIME_DAYS"),
	};
}

// WEBHOOK_SECRET as used: trimmed like the provider secrets, since
// `echo … | wrangler secret put` leaves a newline; blank means unset.
export function webhookSecret(vars: { WEBHOOK_SECRET?: string }): string | undefined {
	const secret = vars.WEBHOOK_SECRET?.trim();
	return secret ? secret : undefined;
}

// readConfig once per env object: the ack path asks on every request, and an
// isolate's env does not change between requests (a test's overridden env is
// a new object, so it gets its own). A bad env throws the same ConfigError
// on every call.
const configs = new WeakMap<object, PipelineConfig | ConfigError>();

export function configFor(env: object): PipelineConfig {
	let config = configs.get(env);
	if (!config) {
		try {
			config = readConfig(env as Record<string, unknown>);
		} catch (err) {
			if (!(err instanceof ConfigError)) throw err;
			config = err;
		}
		configs.set(env, config);
	}
	if (config instanceof ConfigError) throw config;
	return config;
}

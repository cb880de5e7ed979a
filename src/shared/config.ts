// Turns the Worker's string vars into a typed, validated config. Pure: tests
// pass plain objects, the Worker passes its env.
export interface PipelineConfig {
	maxBodyBytes: number;
	maxBatchEvents: number;
	idempotencyShards: number;
	idempotencyTtlMs: number;
	allowUnsigned: boolean;
	chaosFailRate: number;
	// Days of events rows, attempts, deliveries, alert samples and resolved
	// dead letters D1 keeps (src/retention/); the archive in R2 keeps payloads.
	retentionDays: number;
	// Days the R2 archive keeps its objects: the lifecycle rule on archive/
	// (set by the setup path) and how long the archive manifest is kept.
	archiveLifetimeDays: number;
}

export type ConfigVars = Partial<
	Record<
		| "MAX_BODY_BYTES"
		| "MAX_BATCH_EVENTS"
		| "IDEMPOTENCY_SHARDS"
		| "IDEMPOTENCY_TTL_SECONDS"
		| "ALLOW_UNSIGNED"
		| "CHAOS_FAIL_RATE"
		| "RETENTION_DAYS"
		| "ARCHIVE_LIFETIME_DAYS",
		string | undefined
	>
>;

// Bodies larger than a queue message (128 KB) travel as a claim check (the
// message carries an R2 key); the archive row must still fit D1's 2 MB row,
// with room for the rest of it.
export const MAX_BODY_BYTES_CEILING = 1_800_000;

export const DEFAULTS = {
	maxBodyBytes: 1024 * 1024,
	maxBatchEvents: 100,
	idempotencyShards: 16,
	idempotencyTtlSeconds: 24 * 60 * 60,
	retentionDays: 30,
	archiveLifetimeDays: 365,
} as const;

// A whole number > 0 from a var; anything else (unset, blank, nonsense) is the fallback.
export function positiveInt(raw: string | undefined, fallback: number): number {
	if (raw === undefined || raw.trim() === "") return fallback;
	const n = Number(raw);
	return Number.isInteger(n) && n > 0 ? n : fallback;
}

function unitInterval(raw: string | undefined): number {
	const n = Number(raw ?? 0);
	return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

export function readConfig(vars: ConfigVars): PipelineConfig {
	return {
		maxBodyBytes: Math.min(positiveInt(vars.MAX_BODY_BYTES, DEFAULTS.maxBodyBytes), MAX_BODY_BYTES_CEILING),
		maxBatchEvents: positiveInt(vars.MAX_BATCH_EVENTS, DEFAULTS.maxBatchEvents),
		idempotencyShards: positiveInt(vars.IDEMPOTENCY_SHARDS, DEFAULTS.idempotencyShards),
		idempotencyTtlMs: positiveInt(vars.IDEMPOTENCY_TTL_SECONDS, DEFAULTS.idempotencyTtlSeconds) * 1000,
		allowUnsigned: vars.ALLOW_UNSIGNED === "true",
		chaosFailRate: unitInterval(vars.CHAOS_FAIL_RATE),
		retentionDays: positiveInt(vars.RETENTION_DAYS, DEFAULTS.retentionDays),
		archiveLifetimeDays: positiveInt(vars.ARCHIVE_LIFETIME_DAYS, DEFAULTS.archiveLifetimeDays),
	};
}

// readConfig once per env object: the ack path asks on every request, and an
// isolate's env does not change between requests (a test's overridden env is
// a new object, so it gets its own).
const configs = new WeakMap<ConfigVars, PipelineConfig>();

export function configFor(env: ConfigVars): PipelineConfig {
	let config = configs.get(env);
	if (!config) {
		config = readConfig(env);
		configs.set(env, config);
	}
	return config;
}

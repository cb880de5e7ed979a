import { describe, expect, it } from "vitest";
import { ConfigError, configFor, ENV_SCHEMA, MAX_BODY_BYTES_CEILING, parseConfigVars, readConfig } from "./config";

const issuesOf = (vars: Record<string, string>) => parseConfigVars(vars).issues;

describe("config from vars", () => {
	it("falls back to the documented defaults when unset or blank", () => {
		const expected = {
			maxBodyBytes: 1_048_576,
			maxBatchEvents: 100,
			idempotencyShards: 16,
			idempotencyTtlMs: 86_400_000,
			allowUnsigned: false,
			chaosFailRate: 0,
			metricsFlushMs: 1000,
			deliveryTimeoutMs: 10_000,
			deliveryBackoffBaseSeconds: 5,
			deliveryBackoffCapSeconds: 21_600,
			breakerFailureThreshold: 5,
			breakerProbeBaseMs: 60_000,
			alertCooldownMs: 900_000,
			retentionDays: 30,
			archiveLifetimeDays: 365,
		};
		expect(readConfig({})).toEqual(expected);
		expect(readConfig({ MAX_BODY_BYTES: "", MAX_BATCH_EVENTS: "  " })).toEqual(expected);
	});

	it("reads the retention and archive lifetimes in days, and refuses nonsense", () => {
		expect(readConfig({ RETENTION_DAYS: "7", ARCHIVE_LIFETIME_DAYS: "90" })).toMatchObject({ retentionDays: 7, archiveLifetimeDays: 90 });
		expect(() => readConfig({ RETENTION_DAYS: "0" })).toThrow("RETENTION_DAYS");
		expect(() => readConfig({ ARCHIVE_LIFETIME_DAYS: "1.5" })).toThrow("ARCHIVE_LIFETIME_DAYS");
	});

	it("reads overrides, trimmed", () => {
		const config = readConfig({
			MAX_BATCH_EVENTS: "5",
			IDEMPOTENCY_TTL_SECONDS: "60\n",
			CHAOS_FAIL_RATE: "0.2",
			ALERT_COOLDOWN_SECONDS: "0",
		});
		expect(config).toMatchObject({ maxBatchEvents: 5, idempotencyTtlMs: 60_000, chaosFailRate: 0.2, alertCooldownMs: 0 });
	});

	// Each of these used to fall back to the default without a word.
	it.each([
		["MAX_BODY_BYTES", "1mb"],
		["MAX_BODY_BYTES", "1048576 "],
		["MAX_BODY_BYTES", String(MAX_BODY_BYTES_CEILING + 1)],
		["MAX_BODY_BYTES", "0"],
		["MAX_BODY_BYTES", "1e6"],
		["MAX_BODY_BYTES", "1048576.5"],
		["IDEMPOTENCY_SHARDS", "-3"],
		["DELIVERY_TIMEOUT_MS", "30001"],
		["ALLOW_UNSIGNED", "1"],
		["ALLOW_UNSIGNED", "TRUE"],
		["CHAOS_FAIL_RATE", "7"],
		["CHAOS_FAIL_RATE", "5%"],
		["ALERT_COOLDOWN_SECONDS", "-1"],
	])("%s=%j is an error naming the var", (name, value) => {
		const issues = issuesOf({ [name]: value });
		// "1048576 " is trimmed, so valid: the only accepted near miss.
		if (value === "1048576 ") return expect(issues).toEqual([]);
		expect(issues).toEqual([expect.objectContaining({ var: name, value })]);
		expect(() => readConfig({ [name]: value })).toThrow(ConfigError);
		expect(() => readConfig({ [name]: value })).toThrow(name);
	});

	it("accepts each bound exactly", () => {
		expect(readConfig({ MAX_BODY_BYTES: String(MAX_BODY_BYTES_CEILING) }).maxBodyBytes).toBe(MAX_BODY_BYTES_CEILING);
		expect(readConfig({ CHAOS_FAIL_RATE: "1" }).chaosFailRate).toBe(1);
		expect(readConfig({ METRICS_FLUSH_MS: "0" }).metricsFlushMs).toBe(0);
	});

	it("reports every bad var at once", () => {
		expect(issuesOf({ MAX_BODY_BYTES: "1mb", MAX_BATCH_EVENTS: "lots" }).map((i) => i.var)).toEqual(["MAX_BODY_BYTES", "MAX_BATCH_EVENTS"]);
	});

	it("only the exact string true allows unsigned events", () => {
		expect(readConfig({ ALLOW_UNSIGNED: "true" }).allowUnsigned).toBe(true);
		expect(readConfig({ ALLOW_UNSIGNED: "false" }).allowUnsigned).toBe(false);
	});

	it("every default parses", () => {
		const defaults = Object.fromEntries(Object.entries(ENV_SCHEMA).map(([name, spec]) => [name, spec.default]));
		expect(readConfig(defaults)).toEqual(readConfig({}));
	});

	it("parses an env object once, and a bad one fails the same way every time", () => {
		const env = { MAX_BATCH_EVENTS: "7" };
		expect(configFor(env)).toBe(configFor(env));
		const bad = { MAX_BODY_BYTES: "1mb" };
		expect(() => configFor(bad)).toThrow(ConfigError);
		expect(() => configFor(bad)).toThrow(/MAX_BODY_BYTES="1mb" must be a whole number/);
	});
});

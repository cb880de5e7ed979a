import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES_CEILING, readConfig } from "./config";

describe("config from vars", () => {
	it("falls back to the documented defaults", () => {
		expect(readConfig({})).toEqual({
			maxBodyBytes: 1_048_576,
			maxBatchEvents: 100,
			idempotencyShards: 16,
			idempotencyTtlMs: 86_400_000,
			allowUnsigned: false,
			chaosFailRate: 0,
			retentionDays: 30,
			archiveLifetimeDays: 365,
		});
	});

	it("reads the retention and archive lifetimes in days, ignoring nonsense", () => {
		expect(readConfig({ RETENTION_DAYS: "7", ARCHIVE_LIFETIME_DAYS: "90" })).toMatchObject({ retentionDays: 7, archiveLifetimeDays: 90 });
		expect(readConfig({ RETENTION_DAYS: "0", ARCHIVE_LIFETIME_DAYS: "1.5" })).toMatchObject({
			retentionDays: 30,
			archiveLifetimeDays: 365,
		});
	});

	it("reads overrides and ignores nonsense", () => {
		const config = readConfig({ MAX_BATCH_EVENTS: "5", IDEMPOTENCY_SHARDS: "-3", IDEMPOTENCY_TTL_SECONDS: "60", CHAOS_FAIL_RATE: "0.2" });
		expect(config.maxBatchEvents).toBe(5);
		expect(config.idempotencyShards).toBe(16);
		expect(config.idempotencyTtlMs).toBe(60_000);
		expect(config.chaosFailRate).toBe(0.2);
	});

	it("only the exact string true allows unsigned events", () => {
		expect(readConfig({ ALLOW_UNSIGNED: "true" }).allowUnsigned).toBe(true);
		expect(readConfig({ ALLOW_UNSIGNED: "1" }).allowUnsigned).toBe(false);
	});

	it("caps the body limit below what one D1 archive row can hold", () => {
		expect(readConfig({ MAX_BODY_BYTES: "1000000" }).maxBodyBytes).toBe(1_000_000);
		expect(readConfig({ MAX_BODY_BYTES: "50000000" }).maxBodyBytes).toBe(MAX_BODY_BYTES_CEILING);
		expect(readConfig({ CHAOS_FAIL_RATE: "7" }).chaosFailRate).toBe(1);
	});
});

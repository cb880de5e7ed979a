// The deploy contract in wrangler.toml, checked against the code that relies
// on it: a drift here would silently change retries or drop dead letters.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { isDeadLetterQueue } from "../../src/consumer/queues";
import { DEAD_LETTER_MAX_RETRIES, MAX_RETRIES } from "../../src/consumer/retry-policy";
import { MAX_ATTEMPTS_LIMIT } from "../../src/forwarding/core/schema";
import { DELIVERIES_QUEUE, isDeliveriesQueue } from "../../src/forwarding/queues";

// The slice of wrangler's config this contract covers (its published types
// for unstable_readConfig do not resolve outside wrangler's own build).
interface ConsumerConfig {
	queue: string;
	max_batch_size?: number;
	max_batch_timeout?: number;
	max_retries?: number;
	max_concurrency?: number;
	retry_delay?: number;
	dead_letter_queue?: string;
}
interface ContractConfig {
	triggers?: { crons?: string[] };
	queues: { consumers?: ConsumerConfig[]; producers?: { binding: string; queue: string }[] };
	d1_databases: unknown[];
	r2_buckets: { binding: string; bucket_name: string }[];
	durable_objects: { bindings: unknown[] };
	migrations: { new_sqlite_classes?: string[] }[];
}

const config = unstable_readConfig({ config: path.resolve(import.meta.dirname, "../../wrangler.toml") }) as unknown as ContractConfig;
const consumers = config.queues.consumers ?? [];
const producers = config.queues.producers ?? [];

describe("wrangler.toml", () => {
	const main = consumers.find((c) => !isDeadLetterQueue(c.queue) && !isDeliveriesQueue(c.queue));
	const dlq = consumers.find((c) => isDeadLetterQueue(c.queue) && !isDeliveriesQueue(c.queue));

	it("sets every main consumer value explicitly, matching the code", () => {
		expect(main).toMatchObject({ max_batch_size: 10, max_retries: MAX_RETRIES });
		expect(main?.max_batch_timeout).toBeLessThanOrEqual(2);
		expect(main?.max_concurrency).toBeGreaterThan(0);
		expect(main?.retry_delay).toBeGreaterThan(0);
		expect(main?.dead_letter_queue).toBe(dlq?.queue);
	});

	it("consumes the dead-letter queue, with explicit values", () => {
		expect(dlq).toBeDefined();
		expect(dlq?.max_batch_size).toBe(10);
		expect(dlq?.max_batch_timeout).toBeLessThanOrEqual(2);
		expect(dlq?.max_retries).toBe(DEAD_LETTER_MAX_RETRIES);
	});

	it("produces to the main queue and to the dead-letter queue under the contract's names", () => {
		expect(producers.find((p) => p.binding === "EVENTS_QUEUE")?.queue).toBe(main?.queue);
		expect(producers.find((p) => p.binding === "DEAD_LETTER_QUEUE")?.queue).toBe(dlq?.queue);
	});

	it("binds D1 as DB with migrations and a SQLite-backed idempotency object", () => {
		expect(config.d1_databases).toEqual([expect.objectContaining({ binding: "DB", migrations_dir: "migrations" })]);
		expect(config.durable_objects.bindings).toContainEqual(
			expect.objectContaining({ name: "IDEMPOTENCY", class_name: "IdempotencyShard" }),
		);
		expect(config.migrations.flatMap((m) => m.new_sqlite_classes ?? [])).toContain("IdempotencyShard");
	});

	// The repo deploys to any account: D1 is found by database_name, R2 by
	// bucket_name and queues by name (wrangler provisions or setup creates them).
	it("holds no account-specific ids", () => {
		const raw = readFileSync(path.resolve(import.meta.dirname, "../../wrangler.toml"), "utf8");
		expect(raw).not.toMatch(/^\s*(database_id|preview_database_id|account_id)\s*=/m);
		expect(config.d1_databases).toEqual([expect.objectContaining({ database_name: "webhook-pipeline" })]);
		expect(config.d1_databases).toEqual([expect.not.objectContaining({ database_id: expect.anything() })]);
	});

	it("binds the R2 bucket the dead-letter consumer archives to as PAYLOADS", () => {
		expect(config.r2_buckets).toContainEqual(expect.objectContaining({ binding: "PAYLOADS", bucket_name: "webhook-payloads" }));
	});
});

describe("wrangler.toml: the deliveries queue", () => {
	const deliveries = consumers.find((c) => c.queue === DELIVERIES_QUEUE);
	const dlq = consumers.find((c) => c.queue === `${DELIVERIES_QUEUE}-dlq`);

	it("sets every consumer value explicitly, with room for the largest attempt budget", () => {
		for (const c of [deliveries, dlq]) {
			for (const key of ["max_batch_size", "max_batch_timeout", "max_retries", "max_concurrency", "retry_delay"] as const) {
				expect(c?.[key], `${c?.queue}.${key}`).toEqual(expect.any(Number));
			}
		}
		// Retries are explicit (message.retry), one per failed attempt: the queue
		// must never dead-letter a delivery that still has attempts left.
		expect(deliveries!.max_retries).toBeGreaterThan(MAX_ATTEMPTS_LIMIT);
		expect(deliveries?.dead_letter_queue).toBe(dlq?.queue);
		expect(dlq?.max_retries).toBe(DEAD_LETTER_MAX_RETRIES);
	});

	it("is produced to as DELIVERIES_QUEUE, and only the deliveries queues reach the forwarding consumer", () => {
		expect(producers.find((p) => p.binding === "DELIVERIES_QUEUE")?.queue).toBe(DELIVERIES_QUEUE);
		expect(consumers.filter((c) => isDeliveriesQueue(c.queue)).map((c) => c.queue)).toEqual([DELIVERIES_QUEUE, `${DELIVERIES_QUEUE}-dlq`]);
	});
});

describe("wrangler.toml: the cron trigger", () => {
	it("runs the scheduled handler every minute (alert rules, deliveries sweep)", () => {
		expect(config.triggers?.crons).toEqual(["* * * * *"]);
	});
});

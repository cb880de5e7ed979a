import { describe, expect, it } from "vitest";
import { signedRequest, validEvent } from "../support/builders";
import { adminJson, deadLetter, expectBadParam, ingest, processEvents } from "./helpers";

type Stats = Record<string, any>;

describe("GET /api/stats", () => {
	it("summarises a window: counts by type, throughput, latency percentiles, first-try share", async () => {
		const type = `stats_${crypto.randomUUID().slice(0, 8)}`;
		// Ten events, received 100 ms … 1000 ms before processing.
		for (let i = 1; i <= 10; i++) await processEvents([validEvent("user_signup")], i <= 8 ? 1 : 3, Date.now() - i * 100);
		await processEvents([validEvent(type), validEvent(type)]);
		await deadLetter(validEvent(type), "boom");

		const stats = await adminJson<Stats>("/api/stats?window=15m");
		expect(stats.window).toBe("15m");
		expect(stats.until - stats.since).toBe(15 * 60_000);
		expect(stats.by_type).toEqual(
			expect.arrayContaining([
				{ event_type: type, processed: 0, unhandled: 2, dead_lettered: 1 },
				{ event_type: "user_signup", processed: 10, unhandled: 0, dead_lettered: 0 },
			]),
		);
		expect(stats).toMatchObject({ processed: 10, unhandled: 2, dead_lettered: 1 });
		expect(stats.retries).toEqual({ first_try: 10, after_retry: 2, first_try_share: 0.8333 });

		const { p50, p95, p99, max, count } = stats.latency_ms;
		expect(count).toBe(12);
		// Nearest rank over ~[100..1000] plus two ~100 ms: p50 is the 6th smallest (~400-500 ms).
		expect(p50).toBeGreaterThanOrEqual(400);
		expect(p50).toBeLessThan(600);
		expect(p95).toBeGreaterThanOrEqual(1000);
		expect(p99).toBe(max);

		expect(stats.throughput.bucket_seconds).toBe(60);
		expect(stats.throughput.series.length).toBeGreaterThanOrEqual(15);
		expect(stats.throughput.series.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(12);
	});

	it("counts what ingest received in the window, rejections by reason", async () => {
		const before = await adminJson<Stats>("/api/stats?window=1h");
		expect(await ingest(await signedRequest(validEvent()))).toBe(202);
		expect(await ingest(await signedRequest(validEvent(), { signature: null }))).toBe(401);
		const after = await adminJson<Stats>("/api/stats?window=1h");
		expect(after.received.total - before.received.total).toBe(2);
		expect(after.received.accepted - before.received.accepted).toBe(1);
		expect((after.received.rejected_by_reason.missing_signature ?? 0) - (before.received.rejected_by_reason.missing_signature ?? 0)).toBe(
			1,
		);
	});

	it("rejects an unknown window, naming it", async () => {
		await expectBadParam("/api/stats?window=2h", "window");
	});
});

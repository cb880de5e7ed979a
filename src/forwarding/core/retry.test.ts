import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	type BackoffConfig,
	backoffCeiling,
	backoffDelay,
	classify,
	DEFAULT_BACKOFF,
	decide,
	parseRetryAfter,
	QUEUES_MAX_DELAY_SECONDS,
} from "./retry";

const now = Date.parse("2026-11-27T10:00:00Z");
const fixed = (r: number) => () => r;
const none: BackoffConfig = { ...DEFAULT_BACKOFF, jitter: "none" };

const retryArb = fc.integer({ min: 1, max: 40 });
const randomArb = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe("backoff schedule", () => {
	it("retries first within seconds, then minutes, then spreads over hours up to 6 h", () => {
		expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffDelay(n, fixed(0), none))).toEqual([5, 25, 125, 625, 3125, 15625, 21600, 21600]);
	});

	it("keeps the default attempt budget within a day and the maximum within Queues' 4-day retention", () => {
		const total = (retries: number) => Array.from({ length: retries }, (_, i) => backoffCeiling(i + 1)).reduce((a, b) => a + b, 0);
		expect(total(7)).toBeLessThan(24 * 3600);
		expect(total(19)).toBeLessThan(96 * 3600);
	});

	it("ceilings never decrease and never pass the cap", () => {
		fc.assert(
			fc.property(retryArb, (n) => {
				expect(backoffCeiling(n + 1)).toBeGreaterThanOrEqual(backoffCeiling(n));
				expect(backoffCeiling(n)).toBeLessThanOrEqual(DEFAULT_BACKOFF.capSeconds);
			}),
		);
	});

	it("full jitter stays within [min, ceiling] in whole seconds", () => {
		fc.assert(
			fc.property(retryArb, randomArb, (n, r) => {
				const d = backoffDelay(n, fixed(r));
				expect(Number.isInteger(d)).toBe(true);
				expect(d).toBeGreaterThanOrEqual(DEFAULT_BACKOFF.minSeconds);
				expect(d).toBeLessThanOrEqual(backoffCeiling(n));
			}),
		);
	});

	it("full jitter with the same draw never waits less for a later retry", () => {
		fc.assert(
			fc.property(retryArb, randomArb, (n, r) => {
				expect(backoffDelay(n + 1, fixed(r))).toBeGreaterThanOrEqual(backoffDelay(n, fixed(r)));
			}),
		);
	});

	it("full jitter actually spreads: low and high draws give different delays", () => {
		expect(backoffDelay(4, fixed(0))).toBe(1);
		expect(backoffDelay(4, fixed(0.999999))).toBe(625);
	});

	it("decorrelated jitter stays within [base, min(cap, previous × factor)]", () => {
		const config: BackoffConfig = { ...DEFAULT_BACKOFF, jitter: "decorrelated" };
		fc.assert(
			fc.property(retryArb, randomArb, fc.integer({ min: 1, max: 50_000 }), (n, r, previous) => {
				const d = backoffDelay(n, fixed(r), config, previous);
				expect(d).toBeGreaterThanOrEqual(config.baseSeconds);
				expect(d).toBeLessThanOrEqual(Math.min(config.capSeconds, Math.ceil(Math.max(config.baseSeconds, previous * config.factor))));
			}),
		);
		expect(backoffDelay(3, fixed(0.999999), config, 100)).toBe(500);
		expect(backoffDelay(3, fixed(0), config, 100)).toBe(5);
	});

	it("a random source outside [0, 1) cannot push a delay out of bounds", () => {
		expect(backoffDelay(2, fixed(-3))).toBe(1);
		expect(backoffDelay(2, fixed(7))).toBe(25);
	});
});

describe("classify", () => {
	it("counts 2xx as success", () => {
		for (const s of [200, 201, 202, 204, 299]) expect(classify(s)).toBe("success");
	});

	it("retries 408, 425, 429, 5xx, network errors and timeouts", () => {
		for (const s of [408, 425, 429, 500, 502, 503, 504, 599]) expect(classify(s), String(s)).toBe("retry");
		expect(classify("network_error")).toBe("retry");
		expect(classify("timeout")).toBe("retry");
	});

	it("retries 401, 403 and 404, which the receiver fixes on its side", () => {
		for (const s of [401, 403, 404]) expect(classify(s)).toBe("retry");
	});

	it("disables the destination on 410 Gone", () => {
		expect(classify(410)).toBe("disable");
	});

	it("fails other 4xx and unfollowed redirects permanently", () => {
		for (const s of [400, 405, 409, 413, 415, 422, 301, 302, 307, 100]) expect(classify(s), String(s)).toBe("fail_permanent");
	});
});

describe("parseRetryAfter", () => {
	it("reads delay-seconds", () => {
		expect(parseRetryAfter("120", now)).toBe(120);
		expect(parseRetryAfter(" 0 ", now)).toBe(0);
	});

	it("reads all three HTTP-date forms relative to now", () => {
		expect(parseRetryAfter("Fri, 27 Nov 2026 10:02:00 GMT", now)).toBe(120);
		expect(parseRetryAfter("Friday, 27-Nov-26 10:02:00 GMT", now)).toBe(120);
		expect(parseRetryAfter("Fri Nov 27 10:02:00 2026", now)).toBe(120);
	});

	it("treats a date in the past as now", () => {
		expect(parseRetryAfter("Thu, 26 Nov 2026 10:00:00 GMT", now)).toBe(0);
	});

	it("ignores absent and unreadable values", () => {
		for (const v of [null, undefined, "", "soon", "5m", "1.5", "-3", "2026-11-27T10:02:00Z"])
			expect(parseRetryAfter(v, now), String(v)).toBeNull();
	});
});

describe("decide", () => {
	const ctx = { attempt: 1, maxAttempts: 8 };

	it("stops on success", () => {
		expect(decide(204, ctx, now, fixed(0.5))).toEqual({ action: "delivered" });
	});

	it("retries a retryable failure after the backoff delay", () => {
		expect(decide(503, { attempt: 3, maxAttempts: 8 }, now, fixed(0), none)).toEqual({ action: "retry", delaySeconds: 125 });
		expect(decide("timeout", { attempt: 1, maxAttempts: 8 }, now, fixed(0), none)).toEqual({ action: "retry", delaySeconds: 5 });
	});

	it("dead-letters once the attempts are used up", () => {
		expect(decide(500, { attempt: 8, maxAttempts: 8 }, now, fixed(0))).toEqual({ action: "dead_letter", reason: "attempts_exhausted" });
		expect(decide("network_error", { attempt: 1, maxAttempts: 1 }, now, fixed(0))).toEqual({
			action: "dead_letter",
			reason: "attempts_exhausted",
		});
		expect(decide(500, { attempt: 7, maxAttempts: 8 }, now, fixed(0)).action).toBe("retry");
	});

	it("dead-letters a permanent rejection at once, and disables on 410", () => {
		expect(decide(422, ctx, now, fixed(0))).toEqual({ action: "dead_letter", reason: "rejected" });
		expect(decide(410, ctx, now, fixed(0))).toEqual({ action: "disable" });
	});

	it("honours Retry-After as a floor over the backoff", () => {
		expect(decide(429, { ...ctx, retryAfter: "90" }, now, fixed(0), none)).toEqual({ action: "retry", delaySeconds: 90 });
		expect(decide(503, { ...ctx, retryAfter: "Fri, 27 Nov 2026 11:00:00 GMT" }, now, fixed(0), none)).toEqual({
			action: "retry",
			delaySeconds: 3600,
		});
		// Shorter than the schedule: the schedule wins.
		expect(decide(429, { attempt: 5, maxAttempts: 8, retryAfter: "1" }, now, fixed(0), none)).toEqual({
			action: "retry",
			delaySeconds: 3125,
		});
	});

	it("clamps a huge Retry-After to 12 h, what Queues can delay", () => {
		expect(QUEUES_MAX_DELAY_SECONDS).toBe(12 * 3600);
		expect(decide(429, { ...ctx, retryAfter: "9999999" }, now, fixed(0))).toEqual({
			action: "retry",
			delaySeconds: QUEUES_MAX_DELAY_SECONDS,
		});
		const shorter = { ...DEFAULT_BACKOFF, maxRetryAfterSeconds: 600 };
		expect(decide(429, { ...ctx, retryAfter: "9999999" }, now, fixed(0), shorter)).toEqual({ action: "retry", delaySeconds: 600 });
	});

	it("never asks Queues for more than 12 h, whatever the config and header", () => {
		const wide: BackoffConfig = { ...DEFAULT_BACKOFF, capSeconds: 10 * 86400, maxRetryAfterSeconds: 10 * 86400 };
		fc.assert(
			fc.property(retryArb, randomArb, fc.option(fc.nat({ max: 10_000_000 }).map(String)), (attempt, r, retryAfter) => {
				const d = decide(503, { attempt, maxAttempts: 50, retryAfter }, now, fixed(r), wide);
				expect(d.action).toBe("retry");
				if (d.action === "retry") expect(d.delaySeconds).toBeLessThanOrEqual(QUEUES_MAX_DELAY_SECONDS);
			}),
		);
	});
});

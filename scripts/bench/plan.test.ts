import { describe, expect, it } from "vitest";
import { benchPlan, failures, highestKeptUp, highestSustained, isSaturated, poolSize, type StepNumbers } from "./plan";

const step = (offeredRate: number, overrides: Partial<Omit<StepNumbers, "offeredRate">> = {}): StepNumbers & { offeredRate: number } => ({
	offeredRate,
	achievedRate: offeredRate,
	lost: 0,
	doubleCounted: 0,
	unavailable: 0,
	noResponse: 0,
	ackP99: 10,
	...overrides,
});

describe("bench plan", () => {
	it("includes the seed criteria as named steps: 500/min for 5 min and issue 11's 10,000-event backlog", () => {
		const full = benchPlan(false);
		expect(full.sustained.ratePerSecond * 60).toBeCloseTo(500);
		expect(full.sustained.durationMs).toBe(5 * 60_000);
		expect(full.backlog.events).toBe(10_000);
		expect(full.chaos.failRate).toBe(0.2);
	});

	it("repeats the closed-loop ceiling in rounds, an odd number in the full plan so the median is a measured round", () => {
		const full = benchPlan(false).ceiling;
		expect(full.rounds % 2).toBe(1);
		expect(benchPlan(true).ceiling.rounds).toBeGreaterThanOrEqual(1);
		expect(full.poolSafety).toBeGreaterThan(1);
	});

	it("--quick keeps every step but shortens it", () => {
		const quick = benchPlan(true);
		const full = benchPlan(false);
		expect(quick.sustained.ratePerSecond).toBe(full.sustained.ratePerSecond);
		expect(quick.sustained.durationMs).toBeLessThan(full.sustained.durationMs);
		expect(quick.backlog.events).toBeGreaterThanOrEqual(1000);
		// Ladder and 500/min are paired with the no-op; the ceiling runs on two
		// stacks: a warm-up and its rounds of no-op + ingest.
		const sendSeconds = (p: typeof quick) =>
			([...p.ladder, ...p.ladder, p.sustained, p.sustained, p.chaos].reduce((s, x) => s + x.durationMs, 0) +
				2 * 2 * (p.ceiling.warmupMs + p.ceiling.rounds * p.ceiling.durationMs)) /
			1000;
		expect(sendSeconds(quick)).toBeLessThan(100);
	});

	it("ladder rates increase", () => {
		const rates = benchPlan(false).ladder.map((s) => s.ratePerSecond);
		expect(rates).toEqual([...rates].sort((a, b) => a - b));
	});
});

describe("step verdicts", () => {
	it("passes a step with nothing lost, fast acks and the offered rate achieved", () => {
		expect(failures(step(100))).toEqual([]);
	});

	it("names each reason a step fails", () => {
		expect(failures(step(100, { lost: 2 }))).toEqual(["lost 2"]);
		expect(failures(step(100, { doubleCounted: 1 }))).toEqual(["double-counted 1"]);
		expect(failures(step(100, { ackP99: 50 }))[0]).toMatch(/ack p99 50 ms/);
		expect(failures(step(100, { achievedRate: 90 }))[0]).toMatch(/achieved 90/);
		expect(failures(step(100, { noResponse: 3 }))[0]).toMatch(/3 requests failed/);
	});

	it("calls a step saturated when it cannot keep up or fails requests, not when it is only slow", () => {
		expect(isSaturated(step(100, { ackP99: 400 }))).toBe(false);
		expect(isSaturated(step(100, { achievedRate: 80 }))).toBe(true);
		expect(isSaturated(step(100, { noResponse: 1 }))).toBe(true);
		expect(isSaturated(step(100, { lost: 1 }))).toBe(true);
	});

	it("finds the highest sustained rate, stopping at the first failure", () => {
		expect(highestSustained([step(40), step(10), step(20), step(80, { ackP99: 120 }), step(160)])).toBe(40);
		expect(highestSustained([step(10, { lost: 1 }), step(20)])).toBeNull();
		expect(highestSustained([])).toBeNull();
	});

	it("finds the highest rate kept up with, ignoring the latency budget", () => {
		expect(highestKeptUp([step(10, { ackP99: 300 }), step(20, { ackP99: 400 }), step(40, { achievedRate: 30 })])).toBe(20);
		expect(highestKeptUp([step(10, { lost: 1 }), step(20)])).toBeNull();
	});

	it("sizes a round's pool of unique events from the no-op rate, with a margin and a floor", () => {
		expect(poolSize(400, 10_000, 1.5)).toBe(6000);
		expect(poolSize(333.3, 3_000, 1.5)).toBe(1500);
		expect(poolSize(0, 3_000, 1.5)).toBe(100);
	});
});

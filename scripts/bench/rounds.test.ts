import { describe, expect, it } from "vitest";
import { ceilingSound, ingestRun, medianOfRounds, pairRound, type WrkRun, wrkRun } from "./rounds";
import type { WrkSummary } from "./wrk";

const summary = (requests: number, p50: number, p99: number, errors: Partial<WrkSummary> = {}): WrkSummary => ({
	requests,
	seconds: 10,
	requestsPerSecond: requests / 10,
	latencyMs: { p50, p75: null, p90: null, p99 },
	non2xx: 0,
	socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
	...errors,
});

const noop = (requests: number, cpuMs: number): WrkRun => wrkRun(summary(requests, 50, 90), cpuMs);

describe("closed-loop rounds", () => {
	it("turns a wrk summary and the stack's CPU into a run, counting every kind of error", () => {
		const run = wrkRun(summary(4000, 50, 90, { non2xx: 2, socketErrors: { connect: 0, read: 1, write: 0, timeout: 3 } }), 15_000);
		expect(run).toEqual({
			requests: 4000,
			seconds: 10,
			rate: 400,
			latencyMs: { p50: 50, p75: null, p90: null, p99: 90 },
			errors: 6,
			cpuMsPerRequest: 3.75,
		});
		expect(wrkRun(summary(0, 0, 0), 10).cpuMsPerRequest).toBeNull();
		expect(wrkRun(summary(10, 0, 0), null).cpuMsPerRequest).toBeNull();
	});

	it("counts an ingest run's acks and its replays of the pool", () => {
		const outcomes = {
			issued: 2600,
			pool: 2500,
			responses: [
				{ status: 202, eventId: "a" },
				{ status: 200, eventId: "a" },
				{ status: 503, eventId: null },
			],
		};
		expect(ingestRun(summary(3, 120, 240), 16.5, outcomes, 1200)).toMatchObject({
			accepted: 1,
			duplicates: 1,
			replayed: 100,
			errors: 0,
			cpuMsPerRequest: 5.5,
			drainMs: 1200,
		});
	});

	it("pairs a round: throughput and CPU ratios, ack deltas", () => {
		const round = pairRound(
			noop(4000, 15_000),
			ingestRun(summary(2800, 62.5, 120), 15_400, { issued: 2800, pool: 6000, responses: [] }, null),
		);
		expect(round).toMatchObject({ throughputRatio: 0.7, cpuRatio: 1.47, ackP50DeltaMs: 12.5, ackP99DeltaMs: 30 });
	});

	it("takes each column's median over the rounds, and the CPU-predicted throughput ratio", () => {
		const rounds = [
			[4000, 15_000, 2000, 11_000],
			[3000, 12_000, 2400, 12_600],
			[4400, 16_500, 2900, 16_240],
		].map(([nr, nc, ir, ic]) =>
			pairRound(noop(nr!, nc!), ingestRun(summary(ir!, 60, 100), ic!, { issued: 0, pool: 0, responses: [] }, null)),
		);
		const m = medianOfRounds(rounds);
		expect(m.noopRate).toBe(400);
		expect(m.ingestRate).toBe(240);
		expect(m.throughputRatio).toBe(0.66);
		expect(m.noopCpuMsPerRequest).toBe(3.75);
		expect(m.ingestCpuMsPerRequest).toBe(5.5);
		expect(m.cpuRatio).toBe(1.47);
		expect(m.cpuThroughputRatio).toBe(0.68);
		expect(m.ackP50DeltaMs).toBe(10);
		expect(medianOfRounds([]).throughputRatio).toBeNull();
	});
});

describe("ceiling soundness", () => {
	const report = (lost: number, doubleCounted: number) => ({ lost, doubleCounted }) as never;

	it("judges the whole pipeline by its D1 reconciliation", () => {
		expect(ceilingSound({ ingest: report(0, 0), claims: null })).toBe(true);
		expect(ceilingSound({ ingest: report(1, 0), claims: null })).toBe(false);
		expect(ceilingSound({ ingest: report(0, 2), claims: null })).toBe(false);
	});

	it("judges the ack path by the shards' claims: at least every 202 seen", () => {
		expect(ceilingSound({ ingest: null, claims: { acked: 900, claimed: 905 } })).toBe(true);
		expect(ceilingSound({ ingest: null, claims: { acked: 900, claimed: 899 } })).toBe(false);
		expect(ceilingSound({ ingest: null, claims: { acked: 900, claimed: null } })).toBe(true);
	});
});

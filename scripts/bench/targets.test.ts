import { describe, expect, it } from "vitest";
import type { CeilingMedian } from "./rounds";
import { targetVerdicts } from "./targets";

const ceiling = (throughputRatio: number | null, cpuRatio: number | null = null): CeilingMedian => ({
	noopRate: 400,
	ingestRate: throughputRatio === null ? null : 400 * throughputRatio,
	throughputRatio,
	noopCpuMsPerRequest: 4,
	ingestCpuMsPerRequest: cpuRatio === null ? null : 4 * cpuRatio,
	cpuRatio,
	cpuThroughputRatio: cpuRatio === null ? null : Math.round(100 / cpuRatio) / 100,
	ackP50DeltaMs: 3,
	ackP99DeltaMs: 9,
});

describe("issue 11 targets", () => {
	it("judges each target from the run's ratios and deltas", () => {
		const verdicts = targetVerdicts({
			ackPath: ceiling(0.82, 1.25),
			wholePipeline: ceiling(0.41, 2.5),
			sustainedAckP50DeltaMs: 5,
			drainToCeiling: 1.9,
			reconciled: true,
		});
		expect(verdicts.map((v) => v.met)).toEqual([true, false, true, false, true, null, null]);
		expect(verdicts[0]).toEqual({
			target: "closed-loop ingest ≥ 0.8× no-op (ack path)",
			measured: "0.82× req/s (CPU per request: 1.25× the no-op's, i.e. 0.8×)",
			met: true,
		});
		expect(verdicts[2]!.measured).toBe("+5 ms");
	});

	it("says not measured rather than failed when a number is missing", () => {
		const verdicts = targetVerdicts({
			ackPath: ceiling(null),
			wholePipeline: ceiling(null),
			sustainedAckP50DeltaMs: null,
			drainToCeiling: null,
			reconciled: false,
		});
		expect(verdicts.map((v) => v.met)).toEqual([null, null, null, null, false, null, null]);
		expect(verdicts[2]!.measured).toBe("–");
	});

	it("judges the bundle and startup budgets from the footprint", () => {
		const footprint = { uploadKiB: 283, gzipKiB: 94.9, startupMs: 16.2, startupRunsMs: [15, 16.2, 18], profileWindowMs: 40 };
		const [bundle, startup] = targetVerdicts({
			ackPath: ceiling(1),
			wholePipeline: ceiling(1),
			sustainedAckP50DeltaMs: 0,
			drainToCeiling: 3,
			reconciled: true,
			footprint,
		}).slice(5);
		expect(bundle).toEqual({ target: "Worker bundle ≤ 100 KiB gzip", measured: "94.9 KiB (283 KiB raw)", met: true });
		expect(startup).toEqual({
			target: "startup ≤ 15 ms (wrangler check startup, active CPU)",
			measured: "16.2 ms (median of 3)",
			met: false,
		});
	});

	it("shows an ack p50 below the no-op's as a negative delta, which meets the target", () => {
		const [, , p50] = targetVerdicts({
			ackPath: ceiling(1),
			wholePipeline: ceiling(1),
			sustainedAckP50DeltaMs: -1.5,
			drainToCeiling: 3,
			reconciled: true,
		});
		expect(p50).toEqual({ target: "ack p50 within +5 ms of no-op at 500 events/min", measured: "-1.5 ms", met: true });
	});
});

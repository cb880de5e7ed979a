import { describe, expect, it } from "vitest";
import { buildReport } from "../events/report";
import { summarize } from "../events/stats";
import { d1Writes } from "./batch-log";
import { renderMarkdown } from "./markdown";
import { benchPlan } from "./plan";
import type { BenchResults } from "./results";
import { type CeilingResult, ingestRun, medianOfRounds, pairRound, wrkRun } from "./rounds";
import type { StepResult } from "./steps";
import { targetVerdicts } from "./targets";
import type { WrkSummary } from "./wrk";

const report = (scenario: string) =>
	buildReport({
		scenario,
		runId: "ev1",
		url: "http://127.0.0.1:1",
		startedAt: new Date(0),
		records: [],
		windowMs: 1000,
		reconciliation: null,
	});

const step = (name: string, withNoop: boolean): StepResult => ({
	name,
	offeredRate: 8.33,
	durationMs: 10_000,
	ingest: report(name),
	noop: withNoop ? { achievedRate: 8.33, ack: summarize([10, 12, 40]), failures: 0 } : null,
	ratios: { ackP50: 1.5, ackP99: 1.2, throughput: 1 },
	deltas: withNoop ? { ackP50Ms: 6.05, ackP99Ms: -14.41 } : { ackP50Ms: null, ackP99Ms: null },
	failures: [],
	loadAverage: 1,
});

const wrk = (requests: number): WrkSummary => ({
	requests,
	seconds: 3,
	requestsPerSecond: requests / 3,
	latencyMs: { p50: 60, p75: 70, p90: 80, p99: 120 },
	non2xx: 0,
	socketErrors: { connect: 0, read: 0, write: 0, timeout: 0 },
});

const ceiling = (stack: CeilingResult["stack"]): CeilingResult => {
	const rounds = [pairRound(wrkRun(wrk(1200), 4560), ingestRun(wrk(600), 3700, { issued: 600, pool: 900, responses: [] }, null))];
	return {
		stack,
		concurrency: 32,
		durationMs: 3000,
		rounds,
		median: medianOfRounds(rounds),
		ingest: stack === "whole pipeline" ? report("ceiling") : null,
		claims: stack === "ack path" ? { acked: 600, claimed: 610 } : null,
		d1Writes: stack === "whole pipeline" ? d1Writes({ batches: 60, rows: 15_000, events: 600 }, 5) : null,
	};
};

function results(extra: Partial<BenchResults> = {}): BenchResults {
	const ackPath = ceiling("ack path");
	const wholePipeline = ceiling("whole pipeline");
	return {
		quick: true,
		machine: {
			date: "2026-11-27T19:30:00.000Z",
			nproc: 2,
			cpuModel: "CPU",
			memoryGiB: 8,
			os: "Linux",
			node: "v24",
			wrangler: "4",
			loadAverage: [1, 1, 1],
		},
		startedAt: "2026-11-27T19:30:00.000Z",
		durationSeconds: 140,
		plan: benchPlan(true),
		ceiling: { ackPath, wholePipeline },
		ladder: [step("ladder 10/s", true)],
		highestSustainedRate: 10,
		sustained: step("500 events/min", true),
		backlog: {
			events: 1000,
			ingest: report("backlog"),
			drainSeconds: 2.3,
			drainRate: 433.3,
			d1Writes: d1Writes({ batches: 100, rows: 24_691, events: 1000 }, 2.3),
			drainToCeiling: 2.17,
		},
		chaos: { ...step("chaos 20% failures", false), failRate: 0.2, retried: 20 },
		targets: targetVerdicts({
			ackPath: ackPath.median,
			wholePipeline: wholePipeline.median,
			sustainedAckP50DeltaMs: 6.05,
			drainToCeiling: 2.17,
			reconciled: true,
		}),
		ok: true,
		...extra,
	};
}

describe("RESULTS.md", () => {
	it("shows the targets, both ceilings round by round with their medians, and D1 rows written", () => {
		const md = renderMarkdown(results());
		expect(md).toContain("| ack p50 within +5 ms of no-op at 500 events/min | +6.05 ms | ✗ |");
		expect(md).toContain("| backlog drained at ≥ 2× the ingest ceiling (whole pipeline) | 2.17× | ✓ |");
		expect(md).toMatch(/\| ack path \| 1 \| 400 \| 200 \| 0\.5× \| 3\.8 \| 6\.17 \| 1\.62× \|/);
		expect(md).toContain("| **whole pipeline** | **median** |");
		expect(md).toContain("recorded 610 events accepted against 600 202s");
		expect(md).toContain("| backlog drain (1000 events) | 1000 | 100 | 24691 | 24.7 | 2.3 | 10735 |");
		expect(md).toContain("| 500 events/min | 8.33 |");
		expect(md).toContain("| +6.05 / -14.41 |");
	});

	it("has a footprint section only when the footprint was measured", () => {
		expect(renderMarkdown(results())).not.toContain("## Footprint");
		const md = renderMarkdown(
			results({ footprint: { uploadKiB: 812.4, gzipKiB: 160.2, startupMs: 9, startupRunsMs: [8, 9, 12], profileWindowMs: 31 } }),
		);
		expect(md).toContain("## Footprint");
		expect(md).toContain("| 812.4 | 160.2 | 9 (runs 8, 9, 12) | 31 |");
	});
});

import { describe, expect, it } from "vitest";
import {
	DEFAULT_RULES,
	evaluateRules,
	histogramQuantile,
	type LatencyHistogram,
	type MetricsSample,
	type RuleId,
	type RuleResult,
	rulesConfigSchema,
} from "./rules";

const MIN = 60_000;
const T = Date.parse("2026-11-27T10:00:00Z");
// The ack buckets /metrics uses (ms).
const BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

// Cumulative histogram from per-bound counts, e.g. {10: 94, 250: 6}.
function hist(perBound: Record<number, number>, overflow = 0): LatencyHistogram {
	let running = 0;
	const buckets = BOUNDS.map((le) => {
		running += perBound[le] ?? 0;
		return { le, count: running };
	});
	return { buckets, count: running + overflow };
}

const sample = (minutesAgo: number, overrides: Partial<MetricsSample> = {}): MetricsSample => ({
	at: T - minutesAgo * MIN,
	backlog: 0,
	settled_total: 0,
	failed_total: 0,
	dead_letters_total: 0,
	ack: hist({}),
	paused_destinations: [],
	...overrides,
});

const result = (results: RuleResult[], key: RuleId | string) => {
	const r = results.find((x) => x.key === key);
	if (!r) throw new Error(`no result for ${key}`);
	return r;
};
const evalRule = (series: MetricsSample[], key: RuleId | string) => result(evaluateRules(series), key);

describe("backlog rule", () => {
	const minutely = (backlogs: number[]) => backlogs.map((b, i) => sample(backlogs.length - 1 - i, { backlog: b }));

	it("fires when every sample of the last 5 minutes is above 100", () => {
		const r = evalRule(minutely([150, 150, 150, 150, 150, 230]), "backlog_high");
		expect(r).toMatchObject({ status: "firing", value: 230, threshold: 100, unit: "events" });
		expect(r.summary).toContain("for 5 min");
	});

	it("does not fire when one sample inside the window dipped to 100 or below", () => {
		expect(evalRule(minutely([150, 150, 150, 100, 150, 150]), "backlog_high").status).toBe("ok");
		expect(evalRule(minutely([150, 150, 150, 150, 150, 90]), "backlog_high").status).toBe("ok");
	});

	it("does not fire before the backlog has been high for 5 minutes", () => {
		expect(evalRule(minutely([50, 150, 150, 150, 150, 150]), "backlog_high").status).toBe("ok");
	});

	it("takes a configured threshold and duration", () => {
		const config = rulesConfigSchema.parse({ backlog_high: { threshold: 10, for_ms: 2 * MIN } });
		expect(result(evaluateRules(minutely([0, 0, 0, 11, 11, 11]), config), "backlog_high").status).toBe("firing");
	});

	it("has no data without samples", () => {
		expect(evalRule([], "backlog_high").status).toBe("no_data");
	});
});

describe("failure-rate rule", () => {
	it("fires on the first evaluation that sees more than 5 % failed once 20 events have settled", () => {
		const r = evalRule([sample(5), sample(0, { settled_total: 20, failed_total: 2 })], "failure_rate_high");
		expect(r).toMatchObject({ status: "firing", value: 0.1, threshold: 0.05, unit: "ratio" });
		expect(r.summary).toContain("2 of 20 events failed");
	});

	it("does not fire with fewer than 20 settled events, however many failed", () => {
		expect(evalRule([sample(5), sample(0, { settled_total: 19, failed_total: 19 })], "failure_rate_high").status).toBe("ok");
	});

	it("does not fire at exactly 5 %", () => {
		expect(evalRule([sample(5), sample(0, { settled_total: 100, failed_total: 5 })], "failure_rate_high").status).toBe("ok");
	});

	it("counts only the trailing 5 minutes", () => {
		const series = [sample(10), sample(5, { settled_total: 100, failed_total: 50 }), sample(0, { settled_total: 200, failed_total: 50 })];
		expect(evalRule(series, "failure_rate_high")).toMatchObject({ status: "ok", value: 0 });
	});

	it("survives a counter reset", () => {
		const series = [sample(1, { settled_total: 1000, failed_total: 0 }), sample(0, { settled_total: 30, failed_total: 10 })];
		expect(evalRule(series, "failure_rate_high")).toMatchObject({ status: "firing", value: 1 / 3 });
	});

	it("has no data with a single sample", () => {
		expect(evalRule([sample(0, { settled_total: 100, failed_total: 100 })], "failure_rate_high").status).toBe("no_data");
	});
});

describe("ack latency rule", () => {
	it("fires when the p95 of the last 5 minutes is above 100 ms", () => {
		const r = evalRule([sample(5), sample(0, { ack: hist({ 10: 94, 250: 6 }) })], "ack_p95_high");
		// Rank 95 is the first of 6 in (100, 250]: 100 + 150 × 1/6.
		expect(r).toMatchObject({ status: "firing", value: 125, threshold: 100, unit: "ms" });
	});

	it("does not fire when 95 % are at or under 100 ms", () => {
		expect(evalRule([sample(5), sample(0, { ack: hist({ 10: 95, 250: 5 }) })], "ack_p95_high").status).toBe("ok");
	});

	it("ignores slow requests from before the window", () => {
		const series = [sample(10), sample(5, { ack: hist({ 5000: 1000 }) }), sample(0, { ack: hist({ 10: 100, 5000: 1000 }) })];
		expect(evalRule(series, "ack_p95_high")).toMatchObject({ status: "ok", value: 9.75 });
	});

	it("is ok without requests and has no data without a histogram", () => {
		expect(evalRule([sample(5), sample(0)], "ack_p95_high")).toMatchObject({ status: "ok", value: null });
		expect(evalRule([sample(5, { ack: null }), sample(0)], "ack_p95_high").status).toBe("no_data");
	});
});

describe("histogramQuantile", () => {
	it("interpolates inside the bucket holding the rank, from 0 for the first", () => {
		expect(
			histogramQuantile(
				0.5,
				[
					{ le: 10, count: 10 },
					{ le: 20, count: 20 },
				],
				20,
			),
		).toBe(10);
		expect(
			histogramQuantile(
				0.25,
				[
					{ le: 10, count: 10 },
					{ le: 20, count: 20 },
				],
				20,
			),
		).toBe(5);
		expect(
			histogramQuantile(
				0.75,
				[
					{ le: 10, count: 10 },
					{ le: 20, count: 20 },
				],
				20,
			),
		).toBe(15);
	});

	it("answers the highest finite bound when the rank is in +Inf, null without observations", () => {
		expect(histogramQuantile(0.95, [{ le: 10, count: 1 }], 100)).toBe(10);
		expect(histogramQuantile(0.95, [{ le: 10, count: 0 }], 0)).toBeNull();
	});
});

describe("dead-letter rule", () => {
	it("fires when the dead-letter count rose since the last evaluation", () => {
		const r = evalRule([sample(1, { dead_letters_total: 3 }), sample(0, { dead_letters_total: 5 })], "dead_letters_new");
		expect(r).toMatchObject({ status: "firing", value: 2, threshold: 0 });
		expect(r.summary).toBe("2 new dead letters since the last evaluation");
	});

	it("looks only at the last step", () => {
		const series = [sample(2, { dead_letters_total: 1 }), sample(1, { dead_letters_total: 5 }), sample(0, { dead_letters_total: 5 })];
		expect(evalRule(series, "dead_letters_new")).toMatchObject({ status: "ok", value: 0 });
	});
});

describe("insecure-config rule", () => {
	it("fires when webhook requests were refused for a dev secret or a bad var since the last evaluation, saying why", () => {
		const r = evalRule(
			[
				sample(1, { config_refusals: { insecure_secret: 4, config_invalid: 0 } }),
				sample(0, { config_refusals: { insecure_secret: 7, config_invalid: 1 } }),
			],
			"insecure_config",
		);
		expect(r).toMatchObject({ status: "firing", value: 4 });
		expect(r.summary).toContain("insecure_secret ×3 (a secret holds a value published in .dev.vars.example");
		expect(r.summary).toContain("config_invalid ×1");
	});

	it("is ok when the counts did not move, and has no data before two samples", () => {
		const still = { insecure_secret: 7, config_invalid: 0 };
		expect(evalRule([sample(1, { config_refusals: still }), sample(0, { config_refusals: still })], "insecure_config").status).toBe("ok");
		expect(evalRule([sample(1), sample(0)], "insecure_config")).toMatchObject({ status: "ok", value: 0 });
		expect(evalRule([sample(0)], "insecure_config").status).toBe("no_data");
	});
});

describe("destination-paused rule", () => {
	it("fires once per paused destination, keyed by its id", () => {
		const results = evaluateRules([
			sample(0, {
				paused_destinations: [
					{ id: "dst_1", name: "Warehouse", reason: "breaker" },
					{ id: "dst_2", name: "CRM" },
				],
			}),
		]);
		expect(result(results, "destination_paused:dst_1")).toMatchObject({ status: "firing", rule: "destination_paused" });
		expect(result(results, "destination_paused:dst_1").summary).toBe('Destination "Warehouse" (dst_1) is paused (breaker)');
		expect(result(results, "destination_paused:dst_2").status).toBe("firing");
		expect(result(results, "destination_paused")).toMatchObject({ status: "ok", value: 2 });
	});

	it("reports only the bare key when nothing is paused, no data without samples", () => {
		expect(
			evaluateRules([sample(0)])
				.filter((r) => r.rule === "destination_paused")
				.map((r) => r.key),
		).toEqual(["destination_paused"]);
		expect(evalRule([], "destination_paused").status).toBe("no_data");
	});
});

describe("rule configuration", () => {
	it("defaults to the seed's rules", () => {
		expect(DEFAULT_RULES).toEqual({
			backlog_high: { enabled: true, threshold: 100, for_ms: 5 * MIN },
			failure_rate_high: { enabled: true, threshold: 0.05, window_ms: 5 * MIN, min_settled: 20 },
			ack_p95_high: { enabled: true, threshold_ms: 100, quantile: 0.95, window_ms: 5 * MIN },
			dead_letters_new: { enabled: true },
			destination_paused: { enabled: true },
			insecure_config: { enabled: true },
		});
	});

	it("overrides one field and keeps the other defaults", () => {
		const config = rulesConfigSchema.parse({ failure_rate_high: { threshold: 0.2 } });
		expect(config.failure_rate_high).toEqual({ enabled: true, threshold: 0.2, window_ms: 5 * MIN, min_settled: 20 });
		expect(config.backlog_high).toEqual(DEFAULT_RULES.backlog_high);
	});

	it("leaves out disabled rules and refuses unknown settings", () => {
		const config = rulesConfigSchema.parse({ dead_letters_new: { enabled: false } });
		expect(evaluateRules([sample(0)], config).map((r) => r.rule)).not.toContain("dead_letters_new");
		expect(rulesConfigSchema.safeParse({ backlog_high: { threshhold: 5 } }).success).toBe(false);
		expect(rulesConfigSchema.safeParse({ failure_rate_high: { threshold: 5 } }).success).toBe(false);
	});

	it("evaluates at the latest sample whatever order the series comes in", () => {
		const series = [sample(0, { dead_letters_total: 5 }), sample(1, { dead_letters_total: 3 })];
		expect(evalRule(series, "dead_letters_new").value).toBe(2);
	});
});

import { describe, expect, it } from "vitest";
import { ackDeltas, delta, median, ratio } from "./compare";

describe("comparisons with the no-op route", () => {
	it("computes ratios to the baseline, null when undefined", () => {
		expect(ratio(30, 10)).toBe(3);
		expect(ratio(1, 3)).toBe(0.33);
		expect(ratio(5, 0)).toBeNull();
		expect(ratio(null, 2)).toBeNull();
	});

	it("computes deltas in ms, negative when ingest is faster, null when undefined", () => {
		expect(delta(21.26, 18.06)).toBe(3.2);
		expect(delta(5, 7.5)).toBe(-2.5);
		expect(delta(null, 3)).toBeNull();
		expect(delta(3, null)).toBeNull();
	});

	it("pairs ack p50 and p99 deltas, null without a no-op", () => {
		expect(ackDeltas({ p50: 20, p99: 55 }, { p50: 15, p99: 40 })).toEqual({ ackP50Ms: 5, ackP99Ms: 15 });
		expect(ackDeltas({ p50: 20, p99: 55 }, null)).toEqual({ ackP50Ms: null, ackP99Ms: null });
	});

	it("takes the median of the rounds present, the lower of two", () => {
		expect(median([0.7, 0.5, 0.9])).toBe(0.7);
		expect(median([0.7, 0.5])).toBe(0.5);
		expect(median([null, 4, null])).toBe(4);
		expect(median([])).toBeNull();
	});
});

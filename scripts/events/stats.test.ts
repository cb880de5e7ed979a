import { describe, expect, it } from "vitest";
import { percentile, summarize } from "./stats";

describe("percentile", () => {
	const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

	it("uses nearest rank, so each percentile is a measured value", () => {
		expect(percentile(oneToHundred, 50)).toBe(50);
		expect(percentile(oneToHundred, 95)).toBe(95);
		expect(percentile(oneToHundred, 99)).toBe(99);
		expect(percentile(oneToHundred, 100)).toBe(100);
		expect(percentile(oneToHundred, 0)).toBe(1);
	});

	it("rounds the rank up on small samples instead of interpolating", () => {
		expect(percentile([10, 20, 30], 50)).toBe(20);
		expect(percentile([10, 20, 30, 40], 50)).toBe(20);
		expect(percentile([10, 20, 30, 40], 51)).toBe(30);
		// With fewer than 100 samples p99 is the maximum: the tail is not hidden.
		expect(percentile([1, 2, 3, 4, 1000], 99)).toBe(1000);
	});

	it("is null for no samples and refuses out-of-range percentiles", () => {
		expect(percentile([], 50)).toBeNull();
		expect(() => percentile([1], 101)).toThrow(RangeError);
		expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
	});
});

describe("summarize", () => {
	it("sorts its input and reports count, percentiles, max and mean", () => {
		const s = summarize([5, 1, 4, 2, 3]);
		expect(s).toEqual({ count: 5, min: 1, p50: 3, p95: 5, p99: 5, max: 5, mean: 3 });
	});

	it("ignores non-finite values rather than letting them poison the tail", () => {
		expect(summarize([1, Number.NaN, 2, Number.POSITIVE_INFINITY]).count).toBe(2);
		expect(summarize([1, Number.NaN, 2]).max).toBe(2);
	});

	it("reports nulls, not zeros, when nothing was measured", () => {
		expect(summarize([])).toEqual({ count: 0, min: null, p50: null, p95: null, p99: null, max: null, mean: null });
	});

	it("p99 of 1000 samples sees a slow tail of more than 1%", () => {
		const values = [...new Array(989).fill(2), ...new Array(11).fill(300)];
		const s = summarize(values);
		expect(s.p50).toBe(2);
		expect(s.p99).toBe(300);
	});
});

import { describe, expect, it } from "vitest";
import { fillSeries, percentileOffset, share } from "./stats-math";

describe("stats maths", () => {
	it("picks nearest-rank percentile offsets", () => {
		expect(percentileOffset(50, 1)).toBe(0);
		expect(percentileOffset(50, 10)).toBe(4);
		expect(percentileOffset(95, 10)).toBe(9);
		expect(percentileOffset(99, 100)).toBe(98);
		expect(percentileOffset(100, 100)).toBe(99);
	});

	it("fills every bucket of the window, with per-minute rates", () => {
		const series = fillSeries([{ t: 120_000, n: 6 }], 65_000, 240_000, 60_000);
		expect(series.map((p) => p.t)).toEqual([60_000, 120_000, 180_000, 240_000]);
		expect(series.map((p) => p.count)).toEqual([0, 6, 0, 0]);
		const hourly = fillSeries([{ t: 0, n: 120 }], 0, 0, 3_600_000);
		expect(hourly).toEqual([{ t: 0, count: 120, per_minute: 2 }]);
	});

	it("gives shares to four places, null when there is nothing to share", () => {
		expect(share(1, 3)).toBe(0.3333);
		expect(share(0, 0)).toBeNull();
	});
});

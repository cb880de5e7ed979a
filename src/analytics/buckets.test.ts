import { describe, expect, it } from "vitest";
import { bucketCount, bucketStart, bucketStarts, emptySeries, INTERVAL_MS, iso, timeRange, wholeDays } from "./buckets";

const at = (s: string) => Date.parse(s);

describe("bucketStart", () => {
	it("floors to the UTC hour and day", () => {
		expect(iso(bucketStart(at("2026-11-27T10:59:59.999Z"), "hour"))).toBe("2026-11-27T10:00:00.000Z");
		expect(iso(bucketStart(at("2026-11-27T23:59:59Z"), "day"))).toBe("2026-11-27T00:00:00.000Z");
		expect(iso(bucketStart(at("2026-11-27T00:00:00Z"), "day"))).toBe("2026-11-27T00:00:00.000Z");
	});

	it("starts weeks on Monday 00:00 UTC", () => {
		// 2026-11-27 is a Friday; 2026-11-23 the Monday before it.
		expect(iso(bucketStart(at("2026-11-27T10:00:00Z"), "week"))).toBe("2026-11-23T00:00:00.000Z");
		expect(iso(bucketStart(at("2026-11-23T00:00:00Z"), "week"))).toBe("2026-11-23T00:00:00.000Z");
		expect(iso(bucketStart(at("2026-11-22T23:59:59Z"), "week"))).toBe("2026-11-16T00:00:00.000Z");
	});

	it("handles times before the epoch's first Monday", () => {
		expect(iso(bucketStart(at("1970-01-02T00:00:00Z"), "week"))).toBe("1969-12-29T00:00:00.000Z");
	});
});

describe("time ranges", () => {
	it("lists every bucket overlapping [from, to), the first aligned before from", () => {
		const range = timeRange(at("2026-11-01T06:00:00Z"), at("2026-11-03T00:00:00Z"), "day");
		expect(bucketStarts(range).map(iso)).toEqual(["2026-11-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z"]);
		expect(bucketCount(range)).toBe(2);
	});

	it("includes a partial last bucket", () => {
		const range = timeRange(at("2026-11-01T00:00:00Z"), at("2026-11-01T02:30:00Z"), "hour");
		expect(bucketCount(range)).toBe(3);
		expect(bucketStarts(range)).toHaveLength(3);
		expect(range.size).toBe(INTERVAL_MS.hour);
	});

	it("zero-fills one fresh value per bucket", () => {
		const series = emptySeries(timeRange(at("2026-11-23T00:00:00Z"), at("2026-12-07T00:00:00Z"), "week"), () => ({ n: 0 }));
		expect([...series.keys()].map(iso)).toEqual(["2026-11-23T00:00:00.000Z", "2026-11-30T00:00:00.000Z"]);
		const [a, b] = [...series.values()];
		a!.n = 5;
		expect(b!.n).toBe(0);
	});
});

describe("wholeDays", () => {
	const days = (from: string, to: string) => wholeDays(timeRange(at(from), at(to), "day")).map(iso);

	it("keeps only the UTC days wholly inside the window", () => {
		expect(days("2026-11-01T10:30:00Z", "2026-11-04T05:00:00Z")).toEqual(["2026-11-02T00:00:00.000Z", "2026-11-04T00:00:00.000Z"]);
		expect(days("2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z")).toEqual(["2026-11-01T00:00:00.000Z", "2026-11-03T00:00:00.000Z"]);
	});

	it("is empty, starting at the next midnight, for a window inside one day or across one midnight", () => {
		expect(days("2026-11-01T02:00:00Z", "2026-11-01T20:00:00Z")).toEqual(["2026-11-02T00:00:00.000Z", "2026-11-02T00:00:00.000Z"]);
		expect(days("2026-11-01T20:00:00Z", "2026-11-02T02:00:00Z")).toEqual(["2026-11-02T00:00:00.000Z", "2026-11-02T00:00:00.000Z"]);
	});
});

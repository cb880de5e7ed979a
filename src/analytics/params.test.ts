import { describe, expect, it, vi } from "vitest";
import { iso } from "./buckets";
import { funnelQuery, rangeQuery, usageQuery } from "./params";

const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
	result.error?.issues.map((i) => i.path.join(".")) ?? [];

describe("analytics query parameters", () => {
	it("defaults to the interval's span ending now", () => {
		vi.useFakeTimers({ now: Date.parse("2026-11-27T10:00:00Z") });
		try {
			const day = rangeQuery.parse({});
			expect([iso(day.range.from), iso(day.range.to), day.interval]).toEqual([
				"2026-10-28T10:00:00.000Z",
				"2026-11-27T10:00:00.000Z",
				"day",
			]);
			expect(iso(rangeQuery.parse({ interval: "hour" }).range.from)).toBe("2026-11-25T10:00:00.000Z");
			expect(iso(rangeQuery.parse({ interval: "week" }).range.from)).toBe("2026-05-29T10:00:00.000Z");
		} finally {
			vi.useRealTimers();
		}
	});

	it("takes dates as UTC midnight and date-times with any zone", () => {
		const q = rangeQuery.parse({ from: "2026-11-01", to: "2026-11-02T02:00:00+02:00", interval: "hour" });
		expect(q.range).toMatchObject({ from: Date.parse("2026-11-01T00:00:00Z"), to: Date.parse("2026-11-02T00:00:00Z"), size: 3_600_000 });
	});

	it("takes epoch milliseconds too", () => {
		expect(rangeQuery.parse({ from: "1790812800000", to: "1790899200000" }).range).toMatchObject({
			from: 1790812800000,
			to: 1790899200000,
		});
	});

	it("names the parameter at fault", () => {
		expect(issues(rangeQuery.safeParse({ from: "2026-11-01T10:00:00" }))).toEqual(["from"]);
		expect(issues(rangeQuery.safeParse({ from: "2026-11-02", to: "2026-11-01" }))).toEqual(["from"]);
		expect(issues(rangeQuery.safeParse({ to: "2026-13-01" }))).toEqual(["to"]);
		expect(issues(rangeQuery.safeParse({ from: "2020-01-01", to: "2026-01-01", interval: "day" }))).toEqual(["interval"]);
		expect(issues(usageQuery.safeParse({ top: "101" }))).toEqual(["top"]);
		expect(issues(funnelQuery.safeParse({ days: "1.5" }))).toEqual(["days"]);
	});

	it("coerces numeric parameters and applies their defaults", () => {
		expect(usageQuery.parse({ top: "3" })).toMatchObject({ top: 3 });
		expect(usageQuery.parse({})).toMatchObject({ top: 10 });
		expect(funnelQuery.parse({})).toMatchObject({ days: 14 });
	});
});

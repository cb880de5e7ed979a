import { describe, expect, it } from "vitest";
import { achievedRate, arrivalOffsets, planKinds } from "./schedule";

describe("arrival offsets", () => {
	it("spaces arrivals evenly at the requested rate for the whole duration", () => {
		expect(arrivalOffsets(4, 1000)).toEqual([0, 250, 500, 750]);
		const fiveMinutesAt500PerMinute = arrivalOffsets(500 / 60, 5 * 60_000);
		expect(fiveMinutesAt500PerMinute).toHaveLength(2500);
		expect(fiveMinutesAt500PerMinute.at(-1)).toBeCloseTo(299_880, 0);
	});

	it("schedules nothing for a zero or negative rate or duration", () => {
		expect(arrivalOffsets(0, 1000)).toEqual([]);
		expect(arrivalOffsets(10, 0)).toEqual([]);
		expect(arrivalOffsets(-1, 1000)).toEqual([]);
	});
});

describe("send mix", () => {
	const sequence = (values: number[]) => {
		let i = 0;
		return () => values[i++ % values.length]!;
	};

	it("turns random rolls into duplicates and poison at the given ratios", () => {
		const kinds = planKinds(5, { duplicateRatio: 0.1, poisonRatio: 0.05 }, sequence([0.05, 0.12, 0.5, 0.09]));
		expect(kinds).toEqual(["new", "duplicate", "poison", "new", "duplicate"]);
	});

	it("always starts with a new event", () => {
		expect(planKinds(3, { duplicateRatio: 1, poisonRatio: 0 }, () => 0)).toEqual(["new", "duplicate", "duplicate"]);
	});

	it("keeps close to the ratio over many arrivals", () => {
		let seed = 7;
		const lcg = () => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			return seed / 2 ** 31;
		};
		const kinds = planKinds(10_000, { duplicateRatio: 0.1, poisonRatio: 0 }, lcg);
		const duplicates = kinds.filter((k) => k === "duplicate").length;
		expect(duplicates).toBeGreaterThan(900);
		expect(duplicates).toBeLessThan(1100);
	});
});

describe("achieved rate", () => {
	it("is sends per second over the window", () => {
		expect(achievedRate(500, 10_000)).toBe(50);
		expect(achievedRate(10, 0)).toBe(0);
	});
});

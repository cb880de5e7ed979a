import { describe, expect, it } from "vitest";
import { MAX_RETRIES, retryDelaySeconds, shouldDeadLetter } from "./retry-policy";

describe("retry policy", () => {
	it("backs off exponentially from 2 seconds, with a cap", () => {
		expect([1, 2, 3].map((a) => retryDelaySeconds(a))).toEqual([2, 4, 8]);
		expect(retryDelaySeconds(10)).toBe(60);
		expect(retryDelaySeconds(0)).toBe(2);
	});

	it("retries transient failures until the retries are used up", () => {
		for (let attempt = 1; attempt <= MAX_RETRIES; attempt++) expect(shouldDeadLetter(attempt, false)).toBe(false);
		expect(shouldDeadLetter(MAX_RETRIES + 1, false)).toBe(true);
	});

	it("dead-letters permanent failures on the first attempt", () => {
		expect(shouldDeadLetter(1, true)).toBe(true);
	});
});

import { describe, expect, it } from "vitest";
import { D1_LIMIT_BYTES, fillTime, monthlyBill, type PerEvent, perMillion, priceGap, retentionDaysThatFit } from "./cost";

const perEvent: PerEvent = {
	workerRequests: 1.1,
	durableObjectRequests: 1,
	shardRowsWritten: 2,
	queueOperations: 3,
	d1RowsWritten: 12,
	d1RetentionRowsWritten: 5,
	r2ClassA: 0.1,
	d1Bytes: 500,
	d1BytesFreedByRetention: 300,
	r2Bytes: 400,
};

describe("monthly list-price bill", () => {
	it("prices each operation per event at list price and compares with Hookdeck's $10 per million", () => {
		const bill = monthlyBill(perEvent, 1_000_000);
		expect(bill.lines).toEqual({
			workers: 0.33,
			durableObjects: 0.15,
			shardWrites: 2,
			queues: 1.2,
			d1Writes: 17,
			d1Storage: 0.38,
			r2: 0.46,
		});
		expect(bill.total).toBe(21.51);
		expect(bill.hookdeck).toBe(10);
		expect(perMillion(monthlyBill(perEvent, 100_000_000))).toBe(21.51);
	});
});

describe("when D1 fills", () => {
	it("adds the days the kept bytes take to fill what the retention window leaves", () => {
		const f = fillTime(perEvent, 10, 30);
		expect(f.retainedBytes).toBe(864_000 * 30 * 300);
		expect(f.keptBytesPerDay).toBe(864_000 * 200);
		expect(f.days).toBe(Math.round(30 + (D1_LIMIT_BYTES - 864_000 * 30 * 300) / (864_000 * 200)));
	});

	it("never, when retention frees everything an event adds", () => {
		expect(fillTime({ ...perEvent, d1BytesFreedByRetention: 500 }, 1, 30).days).toBeNull();
	});

	it("at once, when the retention window alone is over 10 GB", () => {
		expect(fillTime(perEvent, 100, 30).days).toBe(0);
	});
});

describe("the gap to Hookdeck's price", () => {
	it("is the D1 rows written per event at which the bill would equal $10 per million, everything else as measured", () => {
		// 21.51 in all, 17 of it D1 writes: the rest is 4.51, leaving 5.49 rows.
		expect(priceGap(perEvent)).toEqual({ perMillion: 21.51, d1RowsAtHookdeck: 5.49, queuesPerMillion: 1.2 });
		const there = monthlyBill({ ...perEvent, d1RowsWritten: 5.49, d1RetentionRowsWritten: 0 }, 1e6);
		expect(there.total).toBe(10);
	});
});

describe("the retention that fits", () => {
	it("is the most whole days whose window of rows stays under half of one database", () => {
		// 300 bytes freed per event: 10/s is 259.2 MB a day, 5 GB holds 19.3 days.
		expect(retentionDaysThatFit(perEvent, 10)).toBe(19);
		expect(retentionDaysThatFit(perEvent, 100)).toBe(1);
		expect(retentionDaysThatFit(perEvent, 1000)).toBe(0);
		expect(retentionDaysThatFit({ ...perEvent, d1BytesFreedByRetention: 0 }, 10)).toBe(Number.POSITIVE_INFINITY);
	});
});

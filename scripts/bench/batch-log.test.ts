import { describe, expect, it } from "vitest";
import { addWrites, d1Writes, linesBetween, sumBatchLines } from "./batch-log";

const batch = (rows: number, processed = 10, extra = "") =>
	`{"level":"info","msg":"batch","ts":"2026-11-27T19:05:35.501Z","queue":"webhook-events","size":10,"processed":${processed},"unhandled":0,"dead_lettered":0,"retried":0,"d1_rows_written":${rows},"latency_ms_p50":983,"duration_ms":10${extra}}`;

describe("D1 rows written, from the consumer's batch lines", () => {
	it("sums d1_rows_written and the events settled over batch lines only", () => {
		const lines = [
			batch(240),
			"[wrangler:info] QUEUE webhook-events 10/10 (14ms)",
			`[wrangler:inf] \u001b[2m${batch(250, 9)}\u001b[0m`,
			'{"level":"info","msg":"deliveries_batch","size":3}',
			'{"level":"info","msg":"batch","d1_rows_written":"many"}',
			'{"level":"info","msg":"batch","d1_rows_written":',
			"env.SOURCES ([{...}])   Environment Variable   local",
		];
		expect(sumBatchLines(lines)).toEqual({ batches: 2, rows: 490, events: 19 });
		expect(sumBatchLines([])).toEqual({ batches: 0, rows: 0, events: 0 });
	});

	it("cuts the growing log into windows of whole lines, each line in exactly one", () => {
		const log = "a\nbb\nccc\ndd";
		// A window ending mid-line leaves that line to the next window.
		expect(linesBetween(log, 0, 3)).toEqual(["a"]);
		expect(linesBetween(log, 3, log.length)).toEqual(["bb", "ccc"]);
		expect(linesBetween(log, 2, 5)).toEqual(["bb"]);
		// "dd" has no newline yet: no window has it.
		expect(linesBetween(log, 9, log.length)).toEqual([]);
		expect(linesBetween(log, 5, 5)).toEqual([]);
	});

	it("derives rows per event and per second, null when there is nothing to divide by", () => {
		expect(d1Writes({ batches: 2, rows: 490, events: 19 }, 2)).toEqual({
			batches: 2,
			rows: 490,
			events: 19,
			seconds: 2,
			rowsPerEvent: 25.8,
			rowsPerSecond: 245,
		});
		expect(d1Writes({ batches: 0, rows: 0, events: 0 }, 0)).toMatchObject({ rowsPerEvent: null, rowsPerSecond: null });
	});

	it("adds the windows of a step's rounds", () => {
		const a = d1Writes({ batches: 1, rows: 100, events: 4 }, 1);
		expect(addWrites(null, a)).toBe(a);
		expect(addWrites(a, d1Writes({ batches: 3, rows: 300, events: 12 }, 3))).toMatchObject({
			rows: 400,
			events: 16,
			seconds: 4,
			rowsPerSecond: 100,
		});
	});
});

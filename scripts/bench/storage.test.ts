import { describe, expect, it } from "vitest";
import { fillTime, monthlyBill, type PerEvent, perMillion } from "./cost";
import { consumerTotals, type StorageResult, storagePlan } from "./storage";
import { storageMarkdown } from "./storage-markdown";

describe("the storage step's inputs and output", () => {
	it("sums the consumer's batch lines: messages (retries too), D1 rows, archive puts", () => {
		const lines = [
			'[wrangler:info] {"level":"info","msg":"batch","size":10,"processed":9,"unhandled":1,"d1_rows_written":120,"r2_puts":2}',
			'{"level":"info","msg":"request","status":202}',
			'{"level":"info","msg":"batch","size":3,"processed":3,"d1_rows_written":30,"r2_puts":1}',
			'{"level":"info","msg":"batch","size":1}',
		];
		expect(consumerTotals(lines)).toEqual({ batches: 2, messages: 13, rows: 150, r2Puts: 3 });
	});

	it("says where the bill is above Hookdeck's list price and when D1 fills", () => {
		const perEvent: PerEvent = {
			workerRequests: 1.1,
			durableObjectRequests: 1,
			shardRowsWritten: 1,
			queueOperations: 3,
			d1RowsWritten: 12,
			d1RetentionRowsWritten: 1,
			r2ClassA: 0.2,
			d1Bytes: 700,
			d1BytesFreedByRetention: 370,
			r2Bytes: 900,
		};
		const bills = [1e6, 1e7, 1e8].map((v) => ({ ...monthlyBill(perEvent, v), perMillion: perMillion(monthlyBill(perEvent, v)) }));
		const result = {
			plan: storagePlan(true),
			events: 400,
			lost: 0,
			doubleCounted: 0,
			consumer: { batches: 40, messages: 400, d1RowsWritten: 4800, r2Puts: 80 },
			retention: { ticks: 1, rowsWritten: 400, eventsDeleted: 400 },
			shardRowsWritten: 400,
			d1: { usedBytesBefore: 0, usedBytesAfter: 280_000, usedBytesAfterRetention: 132_000, byTable: { events: 225 } },
			r2Bytes: 360_000,
			perEvent,
			bills,
			fill: [10, 100].map((r) => fillTime(perEvent, r, 30)),
		} satisfies StorageResult;
		const md = storageMarkdown(result).join("\n");
		expect(md).toContain("| at or below Hookdeck? | ✗ | ✗ | ✗ |");
		expect(md).toContain("| D1 rows written | **12** + 1 by retention = **13** |");
		expect(md).toMatch(/\| 100 \| .* \| \*\*at once\*\*/);
		expect(md).toMatch(/\| 10 \| 9\.59 GB \| 0\.29 GB \| after \*\*31 days\*\*/);
	});
});

import { describe, expect, it } from "vitest";
import type { IngestSample } from "./ingest-sample";
import { SampleBuffer } from "./sample-buffer";

const sample = (n: number): IngestSample => ({
	source: "direct",
	at: n,
	minute: 0,
	accepted: 1,
	duplicates: 0,
	rejected: {},
	control: 0,
	ackMs: n,
});

function harness(flushAfterMs: number, maxPending?: number) {
	const flushed: IngestSample[][] = [];
	const waits: Promise<unknown>[] = [];
	const buffer = new SampleBuffer(flushAfterMs, maxPending);
	const add = (n: number) =>
		buffer.add(
			sample(n),
			async (s) => {
				flushed.push(s);
			},
			(p) => waits.push(p),
		);
	return { buffer, flushed, waits, add };
}

describe("per-isolate ingest sample buffer", () => {
	it("writes the samples of one interval in a single flush, handed to one waitUntil", async () => {
		const { flushed, waits, add } = harness(20);
		for (let i = 0; i < 10; i++) add(i);
		expect(waits).toHaveLength(1);
		expect(flushed).toEqual([]);
		await Promise.all(waits);
		expect(flushed).toHaveLength(1);
		expect(flushed[0]?.map((s) => s.at)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
	});

	it("opens a new interval for samples added after a flush, losing none", async () => {
		const { flushed, waits, add } = harness(5);
		add(1);
		await Promise.all(waits);
		add(2);
		add(3);
		await Promise.all(waits);
		expect(flushed.map((b) => b.map((s) => s.at))).toEqual([[1], [2, 3]]);
	});

	it("flushes at once when the buffer is full", async () => {
		const { flushed, waits, add, buffer } = harness(60_000, 3);
		add(1);
		add(2);
		add(3);
		expect(buffer.size).toBe(0);
		await waits[1];
		expect(flushed[0]?.map((s) => s.at)).toEqual([1, 2, 3]);
	});
});

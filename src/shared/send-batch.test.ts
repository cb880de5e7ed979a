import { describe, expect, it } from "vitest";
import { chunkForSendBatch } from "./send-batch";

describe("sendBatch chunking", () => {
	it("keeps every chunk within the message count limit, in order", () => {
		const items = Array.from({ length: 250 }, (_, i) => i);
		const chunks = chunkForSendBatch(items, () => 10);
		expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
		expect(chunks.flat()).toEqual(items);
	});

	it("keeps every chunk within the byte limit", () => {
		const chunks = chunkForSendBatch([60, 60, 60, 60, 10], (n) => n, { maxMessages: 100, maxBytes: 130 });
		expect(chunks).toEqual([
			[60, 60],
			[60, 60, 10],
		]);
	});

	it("gives an oversized item a chunk of its own and no empty chunks", () => {
		expect(chunkForSendBatch([500, 1], (n) => n, { maxMessages: 100, maxBytes: 100 })).toEqual([[500], [1]]);
		expect(chunkForSendBatch([], () => 1)).toEqual([]);
	});
});

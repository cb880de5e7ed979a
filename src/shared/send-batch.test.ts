import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	chunkForSendBatch,
	jsonByteLength,
	QUEUE_MAX_BATCH_BYTES,
	QUEUE_MAX_MESSAGE_BYTES,
	QUEUE_MAX_MESSAGES_PER_BATCH,
	QUEUE_MESSAGE_OVERHEAD_BYTES,
	utf8ByteLength,
} from "./send-batch";

const encoder = new TextEncoder();
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

describe("utf8ByteLength", () => {
	it.each([
		["", 0],
		["abc", 3],
		["é", 2],
		["€", 3],
		["😀", 4],
		["\uD800", 3], // lone high surrogate → U+FFFD
		["\uDC00", 3], // lone low surrogate → U+FFFD
		["\uD800a", 4],
		["\uDC00\uD800", 6], // reversed pair: two lone surrogates
	])("counts %j as %i bytes", (s, bytes) => {
		expect(utf8ByteLength(s)).toBe(bytes);
	});

	it("equals TextEncoder's byte count for any string, lone surrogates included (property)", () => {
		fc.assert(
			fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: codeUnit }), fc.string({ unit: "grapheme" })), (s) => {
				expect(utf8ByteLength(s)).toBe(encoder.encode(s).byteLength);
			}),
			{ numRuns: 2000 },
		);
	});

	it("measures JSON bodies in bytes, not UTF-16 code units", () => {
		const event = { note: "😀".repeat(10) };
		expect(JSON.stringify(event).length).toBe(31);
		expect(jsonByteLength(event)).toBe(51);
	});
});

describe("chunkForSendBatch", () => {
	it("uses the Cloudflare Queues limits by default", () => {
		expect([QUEUE_MAX_MESSAGES_PER_BATCH, QUEUE_MAX_BATCH_BYTES, QUEUE_MAX_MESSAGE_BYTES, QUEUE_MESSAGE_OVERHEAD_BYTES]).toEqual([
			100, 256_000, 128_000, 100,
		]);
		const { chunks } = chunkForSendBatch(
			Array.from({ length: 250 }, (_, i) => i),
			() => 10,
		);
		expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
	});

	it("sets aside an item over the per-message limit and keeps its neighbours together", () => {
		const items = [
			{ id: "a", bytes: 10 },
			{ id: "big", bytes: 128_000 },
			{ id: "c", bytes: 10 },
		];
		const plan = chunkForSendBatch(items, (i) => i.bytes);
		expect(plan.chunks).toEqual([[items[0], items[2]]]);
		expect(plan.oversized).toEqual([{ item: items[1], index: 1, bytes: 128_000 }]);
	});

	it("counts the ~100 bytes of queue metadata against the per-message limit", () => {
		const exactFit = QUEUE_MAX_MESSAGE_BYTES - QUEUE_MESSAGE_OVERHEAD_BYTES;
		expect(chunkForSendBatch([exactFit], (n) => n).oversized).toEqual([]);
		expect(chunkForSendBatch([exactFit + 1], (n) => n).oversized).toHaveLength(1);
	});

	it("packs by UTF-8 bytes, so multi-byte text cannot push a chunk past the batch limit", () => {
		// 60,000 code units of "é" are 120,000 bytes each: three would be 180,000
		// "characters" (one chunk by .length) but 360,000 bytes.
		const items = ["é".repeat(60_000), "é".repeat(60_000), "é".repeat(60_000)];
		const plan = chunkForSendBatch(items, utf8ByteLength);
		expect(plan.oversized).toEqual([]);
		expect(plan.chunks.map((c) => c.length)).toEqual([2, 1]);
		for (const chunk of plan.chunks) {
			expect(chunk.reduce((sum, s) => sum + encoder.encode(s).byteLength + QUEUE_MESSAGE_OVERHEAD_BYTES, 0)).toBeLessThanOrEqual(
				QUEUE_MAX_BATCH_BYTES,
			);
		}
	});

	it("treats an item whose size is NaN or negative as oversized, never sending it", () => {
		const plan = chunkForSendBatch(["ok", "nan", "neg"], (s) => (s === "nan" ? Number.NaN : s === "neg" ? -1 : 2));
		expect(plan.chunks).toEqual([["ok"]]);
		expect(plan.oversized.map((o) => o.index)).toEqual([1, 2]);
	});

	it("returns no chunks for no items", () => {
		expect(chunkForSendBatch([], () => 1)).toEqual({ chunks: [], oversized: [] });
	});

	it("refuses limits under which some sendable item could not be sent", () => {
		expect(() => chunkForSendBatch([1], (n) => n, { maxMessageBytes: 300, maxBatchBytes: 200 })).toThrow(RangeError);
		expect(() => chunkForSendBatch([1], (n) => n, { maxMessages: 0 })).toThrow(RangeError);
	});

	it("keeps every limit, loses nothing, keeps order, and only starts a chunk when the last one is full (property)", () => {
		const limits = fc.record({
			maxMessages: fc.integer({ min: 1, max: 8 }),
			maxMessageBytes: fc.integer({ min: 1, max: 500 }),
			extraBatch: fc.integer({ min: 0, max: 1000 }),
			overheadBytesPerMessage: fc.integer({ min: 0, max: 50 }),
		});
		fc.assert(
			fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 60 }), limits, (sizes, l) => {
				const opts = { ...l, maxBatchBytes: l.maxMessageBytes + l.extraBatch };
				const items = sizes.map((bytes, index) => ({ index, bytes }));
				const { chunks, oversized } = chunkForSendBatch(items, (i) => i.bytes, opts);
				const cost = (i: { bytes: number }) => i.bytes + l.overheadBytesPerMessage;

				// Every item exactly once, in input order within each list.
				expect([...chunks.flat(), ...oversized.map((o) => o.item)].sort((a, b) => a.index - b.index)).toEqual(items);
				expect(chunks.flat().map((i) => i.index)).toEqual(items.filter((i) => cost(i) <= l.maxMessageBytes).map((i) => i.index));
				// Oversized means over the per-message limit, and nothing else.
				for (const o of oversized) expect(cost(o.item)).toBeGreaterThan(l.maxMessageBytes);
				for (const [n, chunk] of chunks.entries()) {
					expect(chunk.length).toBeGreaterThan(0);
					expect(chunk.length).toBeLessThanOrEqual(l.maxMessages);
					expect(chunk.reduce((s, i) => s + cost(i), 0)).toBeLessThanOrEqual(opts.maxBatchBytes);
					// Greedy: the next chunk's first item did not fit in this one.
					const next = chunks[n + 1]?.[0];
					if (next) {
						const full = chunk.length === l.maxMessages || chunk.reduce((s, i) => s + cost(i), 0) + cost(next) > opts.maxBatchBytes;
						expect(full).toBe(true);
					}
				}
			}),
			{ numRuns: 1000 },
		);
	});
});

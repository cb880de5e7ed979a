// Sizes in UTF-8 bytes, and sendBatch chunking that never sends an item the
// queue would refuse.
//
// Why: the chunker this replaced measured JSON.stringify(m).length — UTF-16
// code units — while Queues count bytes. An event full of "é" or emoji is up to 3×
// larger on the wire than its .length, so a chunk we think is 200 KB can be
// 600 KB and sendBatch throws; every event of that chunk is then answered
// queue_unavailable, and one oversized event makes its 99 neighbours fail
// with it on every retry. Here an item over the per-message limit is set
// aside (the caller turns it into an R2 claim check or a 413) and the others
// are packed by bytes.
//
// Cloudflare Queues limits (https://developers.cloudflare.com/queues/platform/limits/):
//   - Message size: 128 KB, where "1 KB is measured as 1000 bytes", and
//     "Messages can include up to ~100 bytes of internal metadata that counts
//     towards total message limits".
//   - Maximum messages per sendBatch call: 100 (or 256KB in total).
// (Local Miniflare allows 288 KB per batch; production is the stricter one.)

export const QUEUE_MAX_MESSAGES_PER_BATCH = 100;
export const QUEUE_MAX_BATCH_BYTES = 256_000;
export const QUEUE_MAX_MESSAGE_BYTES = 128_000;
// Budgeted per message against both limits for the metadata Queues adds.
export const QUEUE_MESSAGE_OVERHEAD_BYTES = 100;

// Bytes of the UTF-8 encoding of s, as TextEncoder would produce it (a lone
// surrogate becomes U+FFFD, 3 bytes), without building the encoding.
export function utf8ByteLength(s: string): number {
	const length = s.length;
	let bytes = length;
	for (let i = 0; i < length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x80) continue;
		if (c < 0x800) {
			bytes += 1;
		} else if (c >= 0xd800 && c <= 0xdbff && i + 1 < length) {
			const next = s.charCodeAt(i + 1);
			if (next >= 0xdc00 && next <= 0xdfff) {
				// A surrogate pair: 2 code units, 4 bytes.
				bytes += 2;
				i++;
			} else {
				bytes += 2;
			}
		} else {
			bytes += 2;
		}
	}
	return bytes;
}

// UTF-8 size of a value as a JSON queue message body (contentType "json").
export function jsonByteLength(value: unknown): number {
	return utf8ByteLength(JSON.stringify(value) ?? "");
}

export interface SendBatchLimits {
	maxMessages?: number;
	maxBatchBytes?: number;
	maxMessageBytes?: number;
	overheadBytesPerMessage?: number;
}

export interface OversizedItem<T> {
	item: T;
	// Position in the input, so the caller can answer for the right event.
	index: number;
	// What byteSizeOf said (NaN or negative sizes are treated as oversized).
	bytes: number;
}

export interface SendBatchPlan<T> {
	// In input order; each within every limit; never empty.
	chunks: T[][];
	// Items that could never be sent as one message; in input order.
	oversized: OversizedItem<T>[];
}

export function chunkForSendBatch<T>(items: readonly T[], byteSizeOf: (item: T) => number, limits: SendBatchLimits = {}): SendBatchPlan<T> {
	const maxMessages = limits.maxMessages ?? QUEUE_MAX_MESSAGES_PER_BATCH;
	const maxBatchBytes = limits.maxBatchBytes ?? QUEUE_MAX_BATCH_BYTES;
	const maxMessageBytes = limits.maxMessageBytes ?? QUEUE_MAX_MESSAGE_BYTES;
	const overhead = limits.overheadBytesPerMessage ?? QUEUE_MESSAGE_OVERHEAD_BYTES;
	if (!(maxMessages >= 1) || !(maxMessageBytes > 0) || !(maxBatchBytes >= maxMessageBytes) || !(overhead >= 0)) {
		throw new RangeError("chunkForSendBatch: need maxMessages ≥ 1, maxMessageBytes > 0, maxBatchBytes ≥ maxMessageBytes, overhead ≥ 0");
	}

	const chunks: T[][] = [];
	const oversized: OversizedItem<T>[] = [];
	let current: T[] = [];
	let currentBytes = 0;
	items.forEach((item, index) => {
		const bytes = byteSizeOf(item);
		const cost = bytes + overhead;
		// Written so NaN lands here too: an unmeasurable item is never sent.
		if (!(bytes >= 0 && cost <= maxMessageBytes)) {
			oversized.push({ item, index, bytes });
			return;
		}
		if (current.length >= maxMessages || currentBytes + cost > maxBatchBytes) {
			chunks.push(current);
			current = [];
			currentBytes = 0;
		}
		current.push(item);
		currentBytes += cost;
	});
	if (current.length > 0) chunks.push(current);
	return { chunks, oversized };
}

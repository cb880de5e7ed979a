// Queues' sendBatch takes at most 100 messages and 256 KB per call.
export const SEND_BATCH_MAX_MESSAGES = 100;
export const SEND_BATCH_MAX_BYTES = 256 * 1000;

// Splits messages into sendBatch-sized chunks, by count and by JSON size.
export function chunkForSendBatch<T>(
	items: readonly T[],
	sizeOf: (item: T) => number,
	limits = { maxMessages: SEND_BATCH_MAX_MESSAGES, maxBytes: SEND_BATCH_MAX_BYTES },
): T[][] {
	const chunks: T[][] = [];
	let current: T[] = [];
	let bytes = 0;
	for (const item of items) {
		const size = sizeOf(item);
		if (current.length > 0 && (current.length >= limits.maxMessages || bytes + size > limits.maxBytes)) {
			chunks.push(current);
			current = [];
			bytes = 0;
		}
		current.push(item);
		bytes += size;
	}
	if (current.length > 0) chunks.push(current);
	return chunks;
}

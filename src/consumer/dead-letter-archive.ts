import type { DeadLetterRow } from "./dead-letter";

// The last place a dead letter can go when D1 will not take it: one JSON
// object per queue message in the PAYLOADS bucket, under
// dead-letters/<yyyy-mm-dd>/<queue message id>.json (UTC date of the write).
// Written again for a redelivered message, the same key is overwritten, so
// an archived dead letter is never duplicated. Expiring old ones is an R2
// lifecycle rule on this prefix (docs/operations.md).
export const DEAD_LETTER_PREFIX = "dead-letters/";

export interface ArchivedDeadLetter {
	queue: string;
	queue_message_id: string;
	archived_at: number;
	// Why D1 did not take it.
	store_error: string;
	// The dead_letters row it should have become.
	row: DeadLetterRow;
	// The dead-letter queue message as delivered.
	body: unknown;
}

export function deadLetterKey(queueMessageId: string, at: number): string {
	return `${DEAD_LETTER_PREFIX}${new Date(at).toISOString().slice(0, 10)}/${encodeURIComponent(queueMessageId)}.json`;
}

export async function archiveDeadLetter(bucket: R2Bucket, letter: ArchivedDeadLetter): Promise<string> {
	const key = deadLetterKey(letter.queue_message_id, letter.archived_at);
	await bucket.put(key, JSON.stringify(letter), {
		httpMetadata: { contentType: "application/json" },
		customMetadata: { event_id: letter.row.event_id },
	});
	return key;
}

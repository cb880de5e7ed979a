import { describeError, logLine } from "../shared/log";
import { isStoredPointer, resolveClaimCheck } from "./claim-check";
import { type DeadLetterRow, deadLetterRow, deadLetterStatements, originalMessage } from "./dead-letter";
import { archiveDeadLetter } from "./dead-letter-archive";
import { DEAD_LETTER_MAX_RETRIES, retryDelaySeconds } from "./retry-policy";

export interface PendingDeadLetter {
	message: Message<unknown>;
	row: DeadLetterRow;
}

// A large event's dead letter carries the claim check, not the event: read
// it back so the letter shows the payload whole and the event's type. If R2
// cannot give it now, the letter is stored with the pointer (replay reads it
// then); a dead letter is never held back for this.
async function claimCheckedMessage(bucket: R2Bucket, body: unknown): Promise<unknown> {
	const original = originalMessage(body);
	if (!isStoredPointer(original)) return undefined;
	try {
		return await resolveClaimCheck(bucket, original);
	} catch (err) {
		logLine("warn", "dead_letter_claim_check_unread", { error: describeError(err) });
		return undefined;
	}
}

// Writes dead-letter rows in one D1 batch; if that fails, row by row, so one
// row D1 refuses cannot hold the others back. Returns what did not land.
export async function storeDeadLetters<T extends PendingDeadLetter>(
	db: D1Database,
	letters: readonly T[],
): Promise<{ stored: T[]; failed: (T & { error: string })[] }> {
	if (letters.length === 0) return { stored: [], failed: [] };
	try {
		await db.batch(
			deadLetterStatements(
				db,
				letters.map((l) => l.row),
			),
		);
		return { stored: [...letters], failed: [] };
	} catch (err) {
		logLine("error", "dead_letter_write_failed", { size: letters.length, error: describeError(err) });
	}
	const stored: T[] = [];
	const failed: (T & { error: string })[] = [];
	for (const letter of letters) {
		try {
			await db.batch(deadLetterStatements(db, [letter.row]));
			stored.push(letter);
		} catch (err) {
			failed.push({ ...letter, error: describeError(err) });
		}
	}
	return { stored, failed };
}

// Dead-letter queue: record every message in dead_letters, then ack. A row
// D1 refuses is retried (about 100 minutes at the 60 s cap); on its last
// attempt it goes to R2 instead, and only if R2 refuses too is it retried
// once more with the whole dead letter in the error log, the one copy left.
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const now = Date.now();
	const letters = await Promise.all(
		batch.messages.map(async (message) => ({
			message,
			row: deadLetterRow(message.body, message.id, now, await claimCheckedMessage(env.PAYLOADS, message.body)),
		})),
	);
	const { stored, failed } = await storeDeadLetters(env.DB, letters);
	for (const { message } of stored) message.ack();
	if (stored.length > 0) {
		logLine("warn", "dead_letters_stored", {
			queue: batch.queue,
			size: stored.length,
			event_ids: stored.map((l) => l.row.event_id),
			errors: [...new Set(stored.map((l) => l.row.error))].slice(0, 5),
		});
	}
	for (const letter of failed) {
		const { message, row, error } = letter;
		if (message.attempts > DEAD_LETTER_MAX_RETRIES) {
			try {
				const key = await archiveDeadLetter(env.PAYLOADS, {
					queue: batch.queue,
					queue_message_id: message.id,
					archived_at: now,
					store_error: error,
					row,
					body: message.body,
				});
				logLine("error", "dead_letter_archived", { key, event_id: row.event_id, store_error: error });
				message.ack();
				continue;
			} catch (err) {
				logLine("error", "dead_letter_unstored", { dead_letter: row, store_error: error, archive_error: describeError(err) });
			}
		}
		message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
	}
}

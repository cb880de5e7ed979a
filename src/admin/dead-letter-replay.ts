import { isStoredPointer, parseStoredPointer } from "../consumer/claim-check";
import { parseMessage } from "../consumer/process";
import { PermanentError } from "../events/contract";
import type { QueueMessage, StoredMessage } from "../events/envelope";
import { logLine } from "../shared/log";
import { chunkForSendBatch, jsonByteLength } from "../shared/send-batch";
import { type DeadLetterMatch, highestDeadLetterId, markReplayed, openMatches, type ReplayCandidate } from "./dead-letter-queries";
import { parsePayload } from "./event-queries";

export type Rebuilt = { ok: true; message: QueueMessage | StoredMessage } | { ok: false; reason: string };

// Pure: the queue message a dead letter came from, as ingest built it (same
// received_at, so end-to-end latency stays honest). Letters whose payload is
// not a valid event (garbage that reached the dead-letter queue) cannot be
// replayed: there is nothing to process.
export function rebuildMessage(letter: ReplayCandidate): Rebuilt {
	try {
		// Letters since migration 0004 keep the message itself (a claim check
		// stays one: the consumer reads the event from R2 again); older ones
		// are rebuilt from the stored event.
		const kept = letter.message !== null ? JSON.parse(letter.message) : null;
		if (isStoredPointer(kept)) return { ok: true, message: parseStoredPointer(kept) };
		const message = parseMessage(
			kept ?? {
				event: parsePayload(letter.payload),
				received_at: letter.received_at ?? letter.failed_at,
				source: letter.source ?? "replay",
			},
		);
		return { ok: true, message };
	} catch (err) {
		if (err instanceof PermanentError) return { ok: false, reason: `not a replayable event: ${err.message}` };
		throw err;
	}
}

export interface ReplayOutcome {
	// Enqueued and marked replayed.
	replayed: number[];
	// Left open: the payload is not an event, or too large for a queue message.
	not_replayable: { id: number; reason: string }[];
	// Enqueued, but resolved or failed again meanwhile, so not marked here.
	skipped: number[];
}

// Where a bulk replay stands: letters are taken in id order, after `afterId`
// and up to `maxId` (the newest letter when the first call started, so the
// letters the replay itself produces are never picked up again).
export interface ReplayPosition {
	afterId: number;
	maxId: number;
}

export class QueueUnavailable extends Error {
	constructor(
		readonly partial: ReplayOutcome,
		// Every letter with a lower id was handled; this one and later ones stay open.
		readonly firstUnsentId: number,
		public resume: ReplayPosition | null = null,
	) {
		super("the events queue is unavailable");
	}
}

const emptyOutcome = (): ReplayOutcome => ({ replayed: [], not_replayable: [], skipped: [] });

// Puts the original messages back on EVENTS_QUEUE in sendBatch chunks within
// Queues' limits and marks a chunk's letters replayed only once it is on the
// queue, so an interrupted replay leaves every letter it did not enqueue
// open. If a send fails, QueueUnavailable reports what did go through.
export async function replayLetters(
	env: Env,
	letters: readonly ReplayCandidate[],
	now: number,
	outcome: ReplayOutcome = emptyOutcome(),
): Promise<ReplayOutcome> {
	const ready: { letter: ReplayCandidate; message: QueueMessage | StoredMessage }[] = [];
	for (const letter of letters) {
		const rebuilt = rebuildMessage(letter);
		if (rebuilt.ok) ready.push({ letter, message: rebuilt.message });
		else outcome.not_replayable.push({ id: letter.id, reason: rebuilt.reason });
	}
	const { chunks, oversized } = chunkForSendBatch(ready, (r) => jsonByteLength(r.message));
	for (const { item, bytes } of oversized) {
		outcome.not_replayable.push({ id: item.letter.id, reason: `too large for one queue message (${bytes} bytes)` });
	}
	for (const chunk of chunks) {
		try {
			await env.EVENTS_QUEUE.sendBatch(chunk.map((r) => ({ body: r.message, contentType: "json" as const })));
		} catch (err) {
			logLine("error", "dead_letter_replay_enqueue_failed", { error: String(err), replayed: outcome.replayed.length });
			throw new QueueUnavailable(outcome, chunk[0]?.letter.id ?? 0);
		}
		const marked = new Set(
			await markReplayed(
				env.DB,
				chunk.map((r) => r.letter),
				now,
			),
		);
		for (const { letter } of chunk) (marked.has(letter.id) ? outcome.replayed : outcome.skipped).push(letter.id);
	}
	return outcome;
}

// Letters read per page: one SELECT, then their sendBatch chunks and marks.
export const REPLAY_PAGE = 90;
// Most letters one bulk replay call takes; the rest wait for the next call.
export const REPLAY_MAX_PER_CALL = 500;

// Replays up to `limit` open letters matching the filter, from `start` (or
// from the oldest), and says where the next call continues (null when no
// match is left). Each letter is enqueued by at most one call of a sequence.
export async function replayMatching(
	env: Env,
	match: DeadLetterMatch,
	now: number,
	start: ReplayPosition | null,
	limit = REPLAY_MAX_PER_CALL,
): Promise<ReplayOutcome & { matched: number; next: ReplayPosition | null }> {
	const maxId = start?.maxId ?? (await highestDeadLetterId(env.DB));
	const outcome = emptyOutcome();
	let afterId = start?.afterId ?? 0;
	let matched = 0;
	let next: ReplayPosition | null = null;
	for (;;) {
		const letters = await openMatches(env.DB, match, afterId, maxId, Math.min(REPLAY_PAGE, limit - matched));
		if (letters.length === 0) break;
		matched += letters.length;
		try {
			await replayLetters(env, letters, now, outcome);
		} catch (err) {
			if (err instanceof QueueUnavailable) err.resume = { afterId: err.firstUnsentId - 1, maxId };
			throw err;
		}
		afterId = letters.at(-1)?.id ?? afterId;
		if (matched >= limit) {
			// Only hand out a cursor when there is something left to continue with.
			if ((await openMatches(env.DB, match, afterId, maxId, 1)).length > 0) next = { afterId, maxId };
			break;
		}
	}
	logLine("info", "dead_letters_replayed", { matched, replayed: outcome.replayed.length, not_replayable: outcome.not_replayable.length });
	return { matched, ...outcome, next };
}

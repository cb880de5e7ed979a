import { parseMessage } from "../consumer/process";
import { PermanentError } from "../events/contract";
import type { EventMessage } from "../events/envelope";
import { logLine } from "../shared/log";
import { chunkForSendBatch, jsonByteLength } from "../shared/send-batch";
import { type DeadLetterMatch, highestDeadLetterId, openMatches, type ReplayCandidate, reopen, resolveOpen } from "./dead-letter-queries";
import { parsePayload } from "./event-queries";

export type Rebuilt = { ok: true; message: EventMessage } | { ok: false; reason: string };

// Pure: the queue message a dead letter came from, as ingest built it (same
// received_at, so end-to-end latency stays honest). Letters whose payload is
// not a valid event (garbage that reached the dead-letter queue) cannot be
// replayed: there is nothing to process.
export function rebuildMessage(letter: ReplayCandidate): Rebuilt {
	try {
		const message = parseMessage({
			event: parsePayload(letter.payload),
			received_at: letter.received_at ?? letter.failed_at,
			source: letter.source ?? "replay",
		});
		return { ok: true, message };
	} catch (err) {
		if (err instanceof PermanentError) return { ok: false, reason: `not a replayable event: ${err.message}` };
		throw err;
	}
}

export interface ReplayOutcome {
	replayed: number[];
	not_replayable: { id: number; reason: string }[];
	// Already replayed or discarded by someone else meanwhile.
	skipped: number[];
}

export class QueueUnavailable extends Error {
	constructor(readonly partial: ReplayOutcome) {
		super("the events queue is unavailable");
	}
}

// Marks letters replayed *before* enqueueing (so a fast new failure of the
// replayed event opens a fresh dead letter instead of updating this one),
// then puts the original messages back on EVENTS_QUEUE. If the queue refuses,
// the claim is undone and QueueUnavailable reports what did go through.
export async function replayLetters(
	env: Env,
	letters: readonly ReplayCandidate[],
	now: number,
	done?: ReplayOutcome,
): Promise<ReplayOutcome> {
	const outcome: ReplayOutcome = done ?? { replayed: [], not_replayable: [], skipped: [] };
	const ready = new Map<number, EventMessage>();
	for (const letter of letters) {
		const rebuilt = rebuildMessage(letter);
		if (rebuilt.ok) ready.set(letter.id, rebuilt.message);
		else outcome.not_replayable.push({ id: letter.id, reason: rebuilt.reason });
	}
	const claimed = new Set(await resolveOpen(env.DB, [...ready.keys()], "replayed", now));
	outcome.skipped.push(...[...ready.keys()].filter((id) => !claimed.has(id)));
	const items = [...claimed].map((id) => ({ id, body: ready.get(id) as EventMessage }));
	for (const chunk of chunkForSendBatch(items, (i) => jsonByteLength(i.body)).chunks) {
		try {
			await env.EVENTS_QUEUE.sendBatch(chunk.map((i) => ({ body: i.body, contentType: "json" as const })));
			outcome.replayed.push(...chunk.map((i) => i.id));
		} catch (err) {
			const sent = new Set(outcome.replayed);
			await reopen(
				env.DB,
				[...claimed].filter((id) => !sent.has(id)),
			);
			logLine("error", "dead_letter_replay_enqueue_failed", { error: String(err), replayed: outcome.replayed.length });
			throw new QueueUnavailable(outcome);
		}
	}
	return outcome;
}

// Page size: the claim UPDATE binds one parameter per id (D1 allows 100).
export const REPLAY_PAGE = 90;

// Replays every open letter matching the filter, paging through them on the
// server. Letters created after the call started (including any the replay
// itself produces) are left for the next call, so this always terminates.
export async function replayMatching(env: Env, match: DeadLetterMatch, now: number): Promise<ReplayOutcome & { matched: number }> {
	const maxId = await highestDeadLetterId(env.DB);
	const outcome: ReplayOutcome = { replayed: [], not_replayable: [], skipped: [] };
	let matched = 0;
	for (let afterId = 0; ; ) {
		const letters = await openMatches(env.DB, match, afterId, maxId, REPLAY_PAGE);
		if (letters.length === 0) break;
		matched += letters.length;
		await replayLetters(env, letters, now, outcome);
		afterId = letters.at(-1)?.id ?? maxId;
	}
	logLine("info", "dead_letters_replayed", { matched, replayed: outcome.replayed.length, not_replayable: outcome.not_replayable.length });
	return { matched, ...outcome };
}

import { type Keyset, nextCursor } from "../shared/cursor";
import { afterKey, atLeast, before, type Condition, contains, eq, where } from "../shared/sql";
import type * as z from "../zod/mini";
import { DEAD_LETTER_COLUMNS } from "./event-queries";
import type { DeadLetter, deadLetterStatus } from "./schemas";

export interface DeadLetterMatch {
	type?: string;
	error?: string;
	from?: number;
	to?: number;
}

export interface DeadLetterFilter extends DeadLetterMatch {
	status: z.infer<typeof deadLetterStatus> | "all";
	cursor: Keyset | null;
	limit: number;
}

// A dead letter with what replay needs to rebuild the original message.
export type ReplayCandidate = Pick<DeadLetter, "id" | "event_id" | "source" | "received_at" | "failed_at" | "status"> & {
	payload: string;
	message: string | null;
};

const REPLAY_COLUMNS = "id, event_id, source, received_at, failed_at, status, payload, message";

const matchConditions = (m: DeadLetterMatch): Condition[] => [
	eq("event_type", m.type),
	contains("error", m.error),
	atLeast("failed_at", m.from),
	before("failed_at", m.to),
];

// Newest failures first; id (the rowid) breaks ties and is what the cursor holds.
export async function listDeadLetters(db: D1Database, filter: DeadLetterFilter) {
	const clause = where([
		filter.status === "all" ? undefined : eq("status", filter.status),
		...matchConditions(filter),
		afterKey("failed_at", "id", filter.cursor),
	]);
	const { results } = await db
		.prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters ${clause.sql} ORDER BY failed_at DESC, id DESC LIMIT ?`)
		.bind(...clause.params, filter.limit + 1)
		.all<DeadLetter>();
	return {
		data: results.slice(0, filter.limit),
		next_cursor: nextCursor(results, filter.limit, (r) => ({ at: r.failed_at, id: r.id })),
	};
}

export function getDeadLetter(db: D1Database, id: number) {
	return db
		.prepare(`SELECT ${DEAD_LETTER_COLUMNS}, payload, message FROM dead_letters WHERE id = ?`)
		.bind(id)
		.first<DeadLetter & { payload: string; message: string | null }>();
}

export async function highestDeadLetterId(db: D1Database): Promise<number> {
	return (await db.prepare("SELECT coalesce(max(id), 0) AS id FROM dead_letters").first<{ id: number }>())?.id ?? 0;
}

// One page of open dead letters matching the filter, in id order, after
// `afterId` and up to `maxId` (so letters created by the replay itself are
// not picked up again).
export async function openMatches(db: D1Database, match: DeadLetterMatch, afterId: number, maxId: number, limit: number) {
	const clause = where([eq("status", "open"), ...matchConditions(match), ["id > ?", afterId], ["id <= ?", maxId]]);
	const { results } = await db
		.prepare(`SELECT ${REPLAY_COLUMNS} FROM dead_letters ${clause.sql} ORDER BY id LIMIT ?`)
		.bind(...clause.params, limit)
		.all<ReplayCandidate>();
	return results;
}

const placeholders = (n: number) => Array.from({ length: n }, () => "?").join(", ");

// open → replayed/discarded, only for letters still open. Returns the ids
// that moved, so two concurrent replays can never both re-enqueue one letter.
export async function resolveOpen(db: D1Database, ids: readonly number[], status: "replayed" | "discarded", at: number) {
	if (ids.length === 0) return [];
	const { results } = await db
		.prepare(
			`UPDATE dead_letters SET status = ?, resolved_at = ? WHERE status = 'open' AND id IN (${placeholders(ids.length)}) RETURNING id`,
		)
		.bind(status, at, ...ids)
		.all<{ id: number }>();
	return results.map((r) => r.id);
}

// D1 binds at most 100 parameters: the time plus two per letter.
const MARK_PER_STATEMENT = 45;

// open → replayed, after the letters' messages are on the queue; only for
// letters still open and unchanged since they were read (same failed_at). A
// letter a concurrent request resolved stays as it is, and one whose
// replayed event already failed again (the dead-letter consumer refreshed
// it) stays open with that new failure. Returns the ids that moved.
export async function markReplayed(
	db: D1Database,
	letters: readonly Pick<ReplayCandidate, "id" | "failed_at">[],
	at: number,
): Promise<number[]> {
	const moved: number[] = [];
	for (let i = 0; i < letters.length; i += MARK_PER_STATEMENT) {
		const slice = letters.slice(i, i + MARK_PER_STATEMENT);
		const { results } = await db
			.prepare(
				`UPDATE dead_letters SET status = 'replayed', resolved_at = ?
				 WHERE status = 'open' AND (id, failed_at) IN (VALUES ${slice.map(() => "(?, ?)").join(", ")}) RETURNING id`,
			)
			.bind(at, ...slice.flatMap((l) => [l.id, l.failed_at]))
			.all<{ id: number }>();
		moved.push(...results.map((r) => r.id));
	}
	return moved;
}

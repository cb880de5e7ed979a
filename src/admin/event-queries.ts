import { type Keyset, nextCursor } from "../shared/cursor";
import { afterKey, atLeast, before, eq, where } from "../shared/sql";
import type { Attempt, DeadLetter, EventSummary } from "./schemas";

export interface EventFilter {
	type?: string;
	source?: string;
	status?: "processed" | "unhandled";
	user_id?: string;
	from?: number;
	to?: number;
	cursor: Keyset | null;
	limit: number;
}

const SUMMARY_COLUMNS =
	"event_id, source, event_type, user_id, occurred_at, received_at, processed_at, latency_ms, attempts, status, provider_event_id, provider_type";

export const DEAD_LETTER_COLUMNS = "id, event_id, event_type, source, error, attempts, received_at, failed_at, status, resolved_at";

// Newest first by event time; rowid breaks ties and is what the cursor holds.
export async function listEvents(db: D1Database, filter: EventFilter) {
	const clause = where([
		eq("event_type", filter.type),
		eq("source", filter.source),
		eq("status", filter.status),
		eq("user_id", filter.user_id),
		atLeast("occurred_at", filter.from),
		before("occurred_at", filter.to),
		afterKey("occurred_at", "rowid", filter.cursor),
	]);
	const { results } = await db
		.prepare(`SELECT rowid AS rid, ${SUMMARY_COLUMNS} FROM events ${clause.sql} ORDER BY occurred_at DESC, rowid DESC LIMIT ?`)
		.bind(...clause.params, filter.limit + 1)
		.all<EventSummary & { rid: number }>();
	return {
		data: results.slice(0, filter.limit).map(({ rid: _rid, ...row }) => row),
		next_cursor: nextCursor(results, filter.limit, (r) => ({ at: r.occurred_at, id: r.rid })),
	};
}

// The event (if stored), its failed attempts and its dead letters, in one round trip.
export async function eventDetail(db: D1Database, eventId: string) {
	const [event, attempts, deadLetters] = await db.batch([
		db.prepare(`SELECT ${SUMMARY_COLUMNS}, payload, headers FROM events WHERE event_id = ?`).bind(eventId),
		db.prepare("SELECT attempt, error, failed_at FROM event_attempts WHERE event_id = ? ORDER BY attempt").bind(eventId),
		db.prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE event_id = ? ORDER BY failed_at, id`).bind(eventId),
	]);
	const row = (event?.results[0] ?? null) as (EventSummary & { payload: string; headers: string | null }) | null;
	return {
		event: row
			? {
					...row,
					payload: parsePayload(row.payload),
					headers: row.headers === null ? null : (parsePayload(row.headers) as Record<string, string>),
				}
			: null,
		attempts: (attempts?.results ?? []) as Attempt[],
		dead_letters: (deadLetters?.results ?? []) as DeadLetter[],
	};
}

// Stored payloads are JSON we wrote; anything else is shown as the raw text.
export function parsePayload(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

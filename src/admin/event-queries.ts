import { type PayloadLocation, readPayloads } from "../archive/read";
import { encodeCursor, type Keyset, nextCursor } from "../shared/cursor";
import type { EventRow } from "../shared/event-row";
import { parseJsonText } from "../shared/json-guard";
import { afterKey, atLeast, before, eq, where } from "../shared/sql";
import type { Attempt, DeadLetter, EventSummary } from "./schemas";

export interface EventFilter {
	type?: string;
	source?: string;
	status?: EventRow["status"];
	user_id?: string;
	from?: number;
	to?: number;
	cursor: Keyset | null;
	limit: number;
}

const SUMMARY_COLUMNS =
	"event_id, source, event_type, user_id, occurred_at, received_at, processed_at, latency_ms, attempts, status, provider_event_id, provider_type";

export const DEAD_LETTER_COLUMNS = "id, event_id, event_type, source, error, attempts, received_at, failed_at, status, resolved_at";

// Filters with no index of their own (type, source, status: the events index
// keeps three, migrations/0010_archive.sql) look at most this many events,
// newest first, per page: a page may come back short with next_cursor set,
// and the next call carries on from there. Keeps every page ≤ a few ms at any
// table size; a user filter and the unfiltered list are exact (indexed).
export const SCAN_BUDGET = 5000;

type Row = EventSummary & { rid: number };

// Newest first by event time; rowid breaks ties and is what the cursor holds.
export async function listEvents(db: D1Database, filter: EventFilter, budget = SCAN_BUDGET) {
	const span = where([
		eq("user_id", filter.user_id),
		atLeast("occurred_at", filter.from),
		before("occurred_at", filter.to),
		afterKey("occurred_at", "rowid", filter.cursor),
	]);
	const rest = where([eq("event_type", filter.type), eq("source", filter.source), eq("status", filter.status)]);
	const order = "ORDER BY occurred_at DESC, rowid DESC";
	if (rest.params.length === 0 || filter.user_id !== undefined) {
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
			.prepare(`SELECT rowid AS rid, ${SUMMARY_COLUMNS} FROM events ${clause.sql} ${order} LIMIT ?`)
			.bind(...clause.params, filter.limit + 1)
			.all<Row>();
		return page(results, filter.limit, null);
	}
	const [found, edge] = await db.batch<Row>([
		db
			.prepare(
				`SELECT * FROM (SELECT rowid AS rid, ${SUMMARY_COLUMNS} FROM events ${span.sql} ${order} LIMIT ?)
				 ${rest.sql} ORDER BY occurred_at DESC, rid DESC LIMIT ?`,
			)
			.bind(...span.params, budget, ...rest.params, filter.limit + 1),
		db.prepare(`SELECT rowid AS rid, occurred_at FROM events ${span.sql} ${order} LIMIT 1 OFFSET ?`).bind(...span.params, budget - 1),
	]);
	return page(found?.results ?? [], filter.limit, (edge?.results[0] as Row | undefined) ?? null);
}

// A full page ends at its last row; a short one that stopped at the scan
// budget ends at the last event it looked at.
function page(results: Row[], limit: number, scannedTo: Row | null) {
	const full = nextCursor(results, limit, (r) => ({ at: r.occurred_at, id: r.rid }));
	return {
		data: results.slice(0, limit).map(({ rid: _rid, ...row }) => row),
		next_cursor: full ?? (scannedTo ? encodeCursor({ at: scannedTo.occurred_at, id: scannedTo.rid }) : null),
	};
}

// The event (if stored), its failed attempts and its dead letters, in one D1
// round trip; the payload read back from the archive (src/archive/read.ts).
// A payload whose archive object is gone shows as null.
export async function eventDetail(db: D1Database, bucket: R2Bucket, eventId: string) {
	const [event, attempts, deadLetters] = await db.batch([
		db.prepare(`SELECT ${SUMMARY_COLUMNS}, archive_object, archive_line, payload, headers FROM events WHERE event_id = ?`).bind(eventId),
		db.prepare("SELECT attempt, error, failed_at FROM event_attempts WHERE event_id = ? ORDER BY attempt").bind(eventId),
		db.prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM dead_letters WHERE event_id = ? ORDER BY failed_at, id`).bind(eventId),
	]);
	const row = (event?.results[0] ?? null) as (EventSummary & PayloadLocation) | null;
	const archived = row ? (await readPayloads(bucket, [row])).get(row.event_id) : undefined;
	const { archive_object: _object, archive_line: _line, payload: _payload, headers: _headers, ...summary } = row ?? {};
	return {
		event: row
			? {
					...(summary as EventSummary),
					payload: archived ? parsePayload(archived.payload) : null,
					headers: archived?.headers ?? null,
				}
			: null,
		attempts: (attempts?.results ?? []) as Attempt[],
		dead_letters: (deadLetters?.results ?? []) as DeadLetter[],
	};
}

// Stored payloads are JSON we wrote; anything else is shown as the raw text.
export function parsePayload(text: string): unknown {
	try {
		return parseJsonText(text);
	} catch {
		return text;
	}
}

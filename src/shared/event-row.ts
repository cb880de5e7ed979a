// The `events` table's row (migrations/0001 and on), the one shape of it:
// every reader and writer names the columns it uses with Pick<EventRow, …>
// rather than writing the row out again.
export interface EventRow {
	event_id: string;
	source: string;
	event_type: string;
	user_id: string | null;
	occurred_at: number;
	received_at: number;
	processed_at: number;
	latency_ms: number;
	attempts: number;
	status: "processed" | "unhandled";
	// The body as received; '' once archived (archive_object, archive_line).
	payload: string;
	// Provider sources only (NULL for direct): what the provider called it.
	provider_event_id: string | null;
	provider_type: string | null;
	// The delivery headers kept, as JSON text; NULL for direct events (and
	// once archived, when they live in the archive line).
	headers: string | null;
	// The content hash ingest claimed the event with (see events/hash.ts);
	// set by the consumer, which hashes asynchronously.
	body_hash: string | null;
	// Where the payload is archived in R2 (src/archive/layout.ts): set by the
	// consumer once the batch's archive object is written, when payload and
	// headers become '' and null (they live in the archive line).
	archive_object: string | null;
	archive_line: number | null;
}

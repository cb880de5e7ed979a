import { storedHashSql } from "../events/hash";
import { derivedTables } from "../events/registry";
import type { EventRow } from "../shared/event-row";
import { insertRows, MAX_BOUND_PARAMS } from "../shared/sql";
import type { ProcessedEvent } from "./process";

const EVENT_COLUMNS = [
	"event_id",
	"source",
	"event_type",
	"user_id",
	"occurred_at",
	"received_at",
	"processed_at",
	"latency_ms",
	"attempts",
	"status",
	"payload",
	"provider_event_id",
	"provider_type",
	"headers",
	"body_hash",
	"archive_object",
	"archive_line",
] as const satisfies readonly (keyof EventRow)[];

// A copy of a stored id accepted at another time with other content tries to
// change the stored body_hash; the events_id_conflict trigger
// (migrations/0009) aborts that, failing the whole write with ID_CONFLICT.
// Anything else under a stored id (a redelivery, a resend of the same
// content, a row archived before hashes) is left alone, as before.
export const ID_CONFLICT = "id_conflict";
const ID_CONFLICT_GUARD = `ON CONFLICT (event_id) DO UPDATE SET body_hash = excluded.body_hash
	WHERE events.received_at <> excluded.received_at AND ${storedHashSql("events.body_hash")} <> excluded.body_hash`;

export const isIdConflict = (err: unknown): boolean => err instanceof Error && err.message.includes(ID_CONFLICT);

export interface WriteOptions {
	// Replay from the archive (POST /api/replay): the events row keeps its
	// times and attempts and only takes the new status (unhandled → processed
	// once a type module exists); derived rows are rewritten, never added twice.
	replay?: boolean;
}

// Every statement is idempotent: keyed inserts do nothing the second time and
// upserts only move state forward, so a redelivered batch changes nothing.
// The archive row first, then each table the registry's event types declare.
export function statementsFor(db: D1Database, processed: readonly ProcessedEvent[], options: WriteOptions = {}): D1PreparedStatement[] {
	const replay = options.replay ?? false;
	const eventConflict = replay
		? `ON CONFLICT (event_id) DO UPDATE SET status = excluded.status, event_type = excluded.event_type, user_id = excluded.user_id
			WHERE (events.status, events.event_type, events.user_id) IS NOT (excluded.status, excluded.event_type, excluded.user_id)`
		: ID_CONFLICT_GUARD;
	return [
		markStatement(db),
		...insertRows(
			db,
			"events",
			EVENT_COLUMNS,
			processed.map((p) => p.event),
			eventConflict,
		),
		...countStatements(db),
		...derivedStatements(db, processed, replay),
	];
}

// The counters and the latency histogram follow the events rows this write
// inserts, per write instead of per row (migrations/0011_lean_writes.sql):
// before the inserts the highest rowid is marked, after them the rows above
// the mark (new rows always take the highest rowids) are the ones this
// transaction inserted. A redelivery or a no-op replay inserts none and
// counts none; a replay that turns an unhandled row processed moves it
// between the counters by trigger (0002's events_status_change).
const markStatement = (db: D1Database) =>
	db.prepare("UPDATE pipeline_counters SET value = (SELECT coalesce(max(rowid), 0) FROM events) WHERE name = 'events_mark'");

const FRESH = "SELECT status, latency_ms FROM events WHERE rowid > (SELECT value FROM pipeline_counters WHERE name = 'events_mark')";

function countStatements(db: D1Database): D1PreparedStatement[] {
	return [
		db.prepare(
			`WITH fresh AS (${FRESH}),
			 delta(name, value) AS (
			   SELECT 'processed', (SELECT count(*) FROM fresh WHERE status = 'processed')
			   UNION ALL SELECT 'unhandled', (SELECT count(*) FROM fresh WHERE status = 'unhandled')
			   UNION ALL SELECT 'e2e_latency_ms_sum', (SELECT coalesce(sum(latency_ms), 0) FROM fresh)
			 )
			 UPDATE pipeline_counters SET value = pipeline_counters.value + delta.value
			 FROM delta WHERE pipeline_counters.name = delta.name AND delta.value <> 0`,
		),
		// Each event in the smallest bound at or above its latency; past the
		// largest only in the count (+Inf).
		db.prepare(
			`INSERT INTO e2e_latency_counts (le, count)
			 SELECT le, n FROM (
			   SELECT (SELECT min(b.le) FROM e2e_latency_counts b WHERE b.le >= fresh.latency_ms) AS le, count(*) AS n
			   FROM (${FRESH}) AS fresh GROUP BY 1
			 ) WHERE le IS NOT NULL
			 ON CONFLICT (le) DO UPDATE SET count = count + excluded.count`,
		),
	];
}

function derivedStatements(db: D1Database, processed: readonly ProcessedEvent[], replay: boolean): D1PreparedStatement[] {
	return [
		...(replay ? [] : redeliveryStatements(db, processed)),
		...derivedTables().flatMap((spec) =>
			insertRows(
				db,
				spec.table,
				spec.columns,
				processed.flatMap((p) => p.derived[spec.table] ?? []),
				spec.conflict(replay),
			),
		),
	];
}

// After the events insert: a message whose event is stored with another
// received_at and the same content is a later acceptance of it (a resend
// after the idempotency window, or a replay of such a copy). Its insert was a
// no-op, so it is recorded in event_redeliveries
// (migrations/0005_hardening.sql) to count as settled; keyed by (event_id,
// received_at), so it counts once however often the queue delivers it. One
// with other content is a conflict: the consumer dead-letters it instead.
const REDELIVERY_PARAMS = 4;

function redeliveryStatements(db: D1Database, processed: readonly ProcessedEvent[]): D1PreparedStatement[] {
	const perStatement = Math.floor(MAX_BOUND_PARAMS / REDELIVERY_PARAMS);
	const statements: D1PreparedStatement[] = [];
	for (let i = 0; i < processed.length; i += perStatement) {
		const chunk = processed.slice(i, i + perStatement);
		statements.push(
			db
				.prepare(
					`INSERT INTO event_redeliveries (event_id, received_at, seen_at)
					 SELECT m.column1, m.column2, m.column3 FROM (VALUES ${chunk.map(() => "(?, ?, ?, ?)").join(", ")}) AS m
					 JOIN events e ON e.event_id = m.column1 AND e.received_at <> m.column2
					 WHERE e.body_hash IS NULL OR m.column4 IS NULL OR ${storedHashSql("e.body_hash")} = m.column4
					 ON CONFLICT DO NOTHING`,
				)
				.bind(...chunk.flatMap(({ event }) => [event.event_id, event.received_at, event.processed_at, event.body_hash])),
		);
	}
	return statements;
}

export interface AttemptRow {
	event_id: string;
	attempt: number;
	error: string;
	failed_at: number;
}

export function attemptStatements(db: D1Database, attempts: readonly AttemptRow[]): D1PreparedStatement[] {
	return insertRows(db, "event_attempts", ["event_id", "attempt", "error", "failed_at"], attempts, "ON CONFLICT DO NOTHING");
}

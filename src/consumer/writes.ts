import { derivedTables } from "../events/registry";
import type { EventRow, ProcessedEvent } from "./process";
import { insertRows } from "./sql";

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
] as const satisfies readonly (keyof EventRow)[];

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
		: "ON CONFLICT (event_id) DO NOTHING";
	return [
		...insertRows(
			db,
			"events",
			EVENT_COLUMNS,
			processed.map((p) => p.event),
			eventConflict,
		),
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

export interface AttemptRow {
	event_id: string;
	attempt: number;
	error: string;
	failed_at: number;
}

export function attemptStatements(db: D1Database, attempts: readonly AttemptRow[]): D1PreparedStatement[] {
	return insertRows(db, "event_attempts", ["event_id", "attempt", "error", "failed_at"], attempts, "ON CONFLICT DO NOTHING");
}

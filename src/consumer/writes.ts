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
] as const satisfies readonly (keyof EventRow)[];

// Last writer wins on (event time, event_id), compared as a row value, so
// the final state is the same whatever order the events arrive in.
// On replay the same event also wins (>=), so a fixed handler's output
// replaces what the old handler derived from that event.
const newer = (table: string, replay = false) =>
	`(excluded.updated_at, excluded.last_event_id) ${replay ? ">=" : ">"} (${table}.updated_at, ${table}.last_event_id)`;
const pick = (table: string, column: string, replay: boolean) =>
	`${column} = CASE WHEN ${newer(table, replay)} THEN excluded.${column} ELSE ${table}.${column} END`;

const usersUpsert = (replay: boolean) => `ON CONFLICT (user_id) DO UPDATE SET
	${["email", "plan", "source", "updated_at", "last_event_id"].map((c) => pick("users", c, replay)).join(",\n\t")},
	signed_up_at = min(users.signed_up_at, excluded.signed_up_at)`;

const SUBSCRIPTION_COLUMNS = [
	"subscription_id",
	"user_id",
	"plan",
	"amount",
	"currency",
	"interval",
	"monthly_amount",
	"status",
	"updated_at",
	"last_event_id",
] as const;

const subscriptionsUpsert = (replay: boolean) => `ON CONFLICT (subscription_id) DO UPDATE SET
	${SUBSCRIPTION_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(", ")}
	WHERE ${newer("subscriptions", replay)}`;

const SUBSCRIPTION_CHANGE_COLUMNS = [
	...SUBSCRIPTION_COLUMNS.filter((c) => c !== "updated_at" && c !== "last_event_id"),
	"event_id",
	"occurred_at",
] as const;
const USAGE_COLUMNS = ["event_id", "user_id", "feature", "quantity", "occurred_at"] as const;

// Rows keyed by event_id: kept as first written, or on replay rewritten from
// the handler's current output (still one row per event).
const keyedByEvent = (columns: readonly string[], replay: boolean) =>
	replay
		? `ON CONFLICT (event_id) DO UPDATE SET ${columns.filter((c) => c !== "event_id").map((c) => `${c} = excluded.${c}`).join(", ")}`
		: "ON CONFLICT (event_id) DO NOTHING";

export interface WriteOptions {
	// Replay from the archive (POST /api/replay): the events row keeps its
	// times and attempts and only takes the new status (unhandled → processed
	// once a handler exists); derived rows are rewritten, never added twice.
	replay?: boolean;
}

// Every statement is idempotent: keyed inserts do nothing the second time and
// upserts only move state forward, so a redelivered batch changes nothing.
export function statementsFor(db: D1Database, processed: readonly ProcessedEvent[], options: WriteOptions = {}): D1PreparedStatement[] {
	const replay = options.replay ?? false;
	const eventConflict = replay
		? "ON CONFLICT (event_id) DO UPDATE SET status = excluded.status WHERE events.status <> excluded.status"
		: "ON CONFLICT (event_id) DO NOTHING";
	return [
		...insertRows(db, "events", EVENT_COLUMNS, processed.map((p) => p.event), eventConflict),
		...insertRows(
			db,
			"users",
			["user_id", "email", "plan", "source", "signed_up_at", "updated_at", "last_event_id"],
			processed.flatMap((p) => p.derived.users ?? []),
			usersUpsert(replay),
		),
		...insertRows(db, "subscriptions", SUBSCRIPTION_COLUMNS, processed.flatMap((p) => p.derived.subscriptions ?? []), subscriptionsUpsert(replay)),
		...insertRows(
			db,
			"subscription_changes",
			SUBSCRIPTION_CHANGE_COLUMNS,
			processed.flatMap((p) => p.derived.subscription_changes ?? []),
			keyedByEvent(SUBSCRIPTION_CHANGE_COLUMNS, replay),
		),
		...insertRows(db, "usage_records", USAGE_COLUMNS, processed.flatMap((p) => p.derived.usage_records ?? []), keyedByEvent(USAGE_COLUMNS, replay)),
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

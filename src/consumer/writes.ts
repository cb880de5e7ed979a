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
const newer = (table: string) => `(excluded.updated_at, excluded.last_event_id) > (${table}.updated_at, ${table}.last_event_id)`;
const pick = (table: string, column: string) => `${column} = CASE WHEN ${newer(table)} THEN excluded.${column} ELSE ${table}.${column} END`;

const USERS_UPSERT = `ON CONFLICT (user_id) DO UPDATE SET
	${["email", "plan", "source", "updated_at", "last_event_id"].map((c) => pick("users", c)).join(",\n\t")},
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

const SUBSCRIPTIONS_UPSERT = `ON CONFLICT (subscription_id) DO UPDATE SET
	${SUBSCRIPTION_COLUMNS.slice(1).map((c) => `${c} = excluded.${c}`).join(", ")}
	WHERE ${newer("subscriptions")}`;

// Every statement is idempotent: keyed inserts do nothing the second time and
// upserts only move state forward, so a redelivered batch changes nothing.
export function statementsFor(db: D1Database, processed: readonly ProcessedEvent[]): D1PreparedStatement[] {
	return [
		...insertRows(db, "events", EVENT_COLUMNS, processed.map((p) => p.event), "ON CONFLICT (event_id) DO NOTHING"),
		...insertRows(
			db,
			"users",
			["user_id", "email", "plan", "source", "signed_up_at", "updated_at", "last_event_id"],
			processed.flatMap((p) => p.derived.users ?? []),
			USERS_UPSERT,
		),
		...insertRows(db, "subscriptions", SUBSCRIPTION_COLUMNS, processed.flatMap((p) => p.derived.subscriptions ?? []), SUBSCRIPTIONS_UPSERT),
		...insertRows(
			db,
			"subscription_changes",
			[...SUBSCRIPTION_COLUMNS.filter((c) => c !== "updated_at" && c !== "last_event_id"), "event_id", "occurred_at"],
			processed.flatMap((p) => p.derived.subscription_changes ?? []),
			"ON CONFLICT (event_id) DO NOTHING",
		),
		...insertRows(
			db,
			"usage_records",
			["event_id", "user_id", "feature", "quantity", "occurred_at"],
			processed.flatMap((p) => p.derived.usage_records ?? []),
			"ON CONFLICT (event_id) DO NOTHING",
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

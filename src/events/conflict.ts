import type { TableSpec } from "./contract";

// ON CONFLICT clauses shared by event types' table specs. Every clause makes
// a write idempotent: a redelivered event changes nothing, and state only
// moves forward, whatever order events arrive in.

// Last writer wins on (event time, event_id), compared as a row value. On
// replay the same event also wins (>=), so a fixed type's output replaces
// what the old code derived from that event.
export const newerThanStored = (table: string, replay: boolean) =>
	`(excluded.updated_at, excluded.last_event_id) ${replay ? ">=" : ">"} (${table}.updated_at, ${table}.last_event_id)`;

// Each column takes the incoming value only when the incoming event is newer.
export const pickNewer = (table: string, columns: readonly string[], replay: boolean) =>
	columns.map((c) => `${c} = CASE WHEN ${newerThanStored(table, replay)} THEN excluded.${c} ELSE ${table}.${c} END`).join(",\n\t");

// The whole row is replaced only when the incoming event is newer.
export const replaceIfNewer = (table: string, key: string, columns: readonly string[], replay: boolean) =>
	`ON CONFLICT (${key}) DO UPDATE SET ${columns
		.filter((c) => c !== key)
		.map((c) => `${c} = excluded.${c}`)
		.join(", ")}
	WHERE ${newerThanStored(table, replay)}`;

// Rows keyed by event_id: kept as first written, or on replay rewritten from
// the type's current output (still one row per event).
const keyedByEvent = (columns: readonly string[], replay: boolean) =>
	replay
		? `ON CONFLICT (event_id) DO UPDATE SET ${columns
				.filter((c) => c !== "event_id")
				.map((c) => `${c} = excluded.${c}`)
				.join(", ")}`
		: "ON CONFLICT (event_id) DO NOTHING";

// A table with one row per event (usage records, subscription changes,
// payment failures): keyed by event_id, written by keyedByEvent.
export function keyedByEventTable<Row extends { event_id: string }>(
	table: string,
	columns: readonly (keyof Row & string)[],
): TableSpec<Row> {
	return { table, columns, conflict: (replay) => keyedByEvent(columns, replay) };
}

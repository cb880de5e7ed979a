import { insertRows } from "../shared/sql";
import type { Classification } from "./core/retry";

// Delivery rows in D1 and the moves between their statuses (the lifecycle is
// described in migrations/0006_outbound.sql). Each move names the statuses it
// may start from, so a redelivered queue message or a concurrent consumer
// finds nothing to do instead of sending twice.

export type DeliveryStatus = "pending" | "delivering" | "held" | "succeeded" | "failed";

export interface DeliveryRow {
	id: string;
	destination_id: string;
	event_id: string;
	event_type: string;
	source: string;
	status: DeliveryStatus;
	attempts: number;
	next_attempt_at: number;
	lease_until: number | null;
	last_error: string | null;
	created_at: number;
	updated_at: number;
	delivered_at: number | null;
}

export const DELIVERY_COLUMNS =
	"id, destination_id, event_id, event_type, source, status, attempts, next_attempt_at, lease_until, last_error, created_at, updated_at, delivered_at";

// How long a claimed delivery stays the claimer's: the request timeout and
// the writes after it, with room to spare.
export const LEASE_MS = 60_000;

const NEW_COLUMNS = [
	"id",
	"destination_id",
	"event_id",
	"event_type",
	"source",
	"status",
	"next_attempt_at",
	"created_at",
	"updated_at",
] as const;

export type NewDelivery = Pick<DeliveryRow, (typeof NEW_COLUMNS)[number]>;

// Inserts the deliveries not already there; returns the ids it inserted.
export async function insertDeliveries(db: D1Database, rows: readonly NewDelivery[]): Promise<string[]> {
	if (rows.length === 0) return [];
	const results = await db.batch<{ id: string }>(
		insertRows(db, "deliveries", NEW_COLUMNS, rows, "ON CONFLICT (id) DO NOTHING RETURNING id"),
	);
	return results.flatMap((r) => r.results.map((row) => row.id));
}

export async function deliveriesById(db: D1Database, ids: readonly string[]): Promise<Map<string, DeliveryRow>> {
	if (ids.length === 0) return new Map();
	const { results } = await db
		.prepare(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id IN (${ids.map(() => "?").join(", ")})`)
		.bind(...ids)
		.all<DeliveryRow>();
	return new Map(results.map((r) => [r.id, r]));
}

// Startable: pending, or claimed by a consumer whose lease ran out.
const STARTABLE = "(status = 'pending' OR (status = 'delivering' AND lease_until < ?))";

export const claimStatement = (db: D1Database, id: string, now: number) =>
	db
		.prepare(
			`UPDATE deliveries SET status = 'delivering', attempts = attempts + 1, lease_until = ?, updated_at = ? WHERE id = ? AND ${STARTABLE} RETURNING id, attempts`,
		)
		.bind(now + LEASE_MS, now, id, now);

export const holdStatement = (db: D1Database, id: string, now: number, why: string) =>
	db
		.prepare(`UPDATE deliveries SET status = 'held', lease_until = NULL, last_error = ?, updated_at = ? WHERE id = ? AND ${STARTABLE}`)
		.bind(why, now, id, now);

// Failed without an attempt (the destination is disabled, the event is gone).
export const failUnstartedStatement = (db: D1Database, id: string, now: number, why: string) =>
	db
		.prepare(
			`UPDATE deliveries SET status = 'failed', lease_until = NULL, last_error = ?, updated_at = ? WHERE id = ? AND (${STARTABLE} OR status = 'held')`,
		)
		.bind(why, now, id, now);

export type Settlement =
	| { status: "succeeded" }
	| { status: "failed"; error: string }
	| { status: "pending"; error: string; next_attempt_at: number };

// After an attempt by the claimer.
export function settleStatement(db: D1Database, id: string, now: number, s: Settlement): D1PreparedStatement {
	const guard = "WHERE id = ? AND status = 'delivering'";
	if (s.status === "succeeded") {
		return db
			.prepare(
				`UPDATE deliveries SET status = 'succeeded', lease_until = NULL, last_error = NULL, delivered_at = ?, updated_at = ? ${guard}`,
			)
			.bind(now, now, id);
	}
	if (s.status === "failed") {
		return db
			.prepare(`UPDATE deliveries SET status = 'failed', lease_until = NULL, last_error = ?, updated_at = ? ${guard}`)
			.bind(s.error, now, id);
	}
	return db
		.prepare(`UPDATE deliveries SET status = 'pending', lease_until = NULL, last_error = ?, next_attempt_at = ?, updated_at = ? ${guard}`)
		.bind(s.error, s.next_attempt_at, now, id);
}

export interface AttemptRow {
	delivery_id: string;
	destination_id: string;
	attempt: number;
	outcome: Classification;
	http_status: number | null;
	error: string | null;
	latency_ms: number;
	response_snippet: string | null;
	attempted_at: number;
}

const ATTEMPT_COLUMNS = [
	"delivery_id",
	"destination_id",
	"attempt",
	"outcome",
	"http_status",
	"error",
	"latency_ms",
	"response_snippet",
	"attempted_at",
] as const satisfies readonly (keyof AttemptRow)[];

export const attemptStatements = (db: D1Database, rows: readonly AttemptRow[]) =>
	insertRows(db, "delivery_attempts", ATTEMPT_COLUMNS, rows, "");

// Held → pending for up to `limit` of a destination's held deliveries, oldest
// first; returns their ids (the caller queues them).
export async function releaseHeld(db: D1Database, destinationId: string, now: number, limit: number): Promise<string[]> {
	const { results } = await db
		.prepare(
			`UPDATE deliveries SET status = 'pending', next_attempt_at = ?, updated_at = ?
			 WHERE id IN (SELECT id FROM deliveries WHERE destination_id = ? AND status = 'held' ORDER BY created_at, id LIMIT ?) AND status = 'held'
			 RETURNING id`,
		)
		.bind(now, now, destinationId, limit)
		.all<{ id: string }>();
	return results.map((r) => r.id);
}

// Failed → pending for a new run of attempts; returns the ids that moved.
export async function reopenFailed(db: D1Database, ids: readonly string[], now: number): Promise<string[]> {
	if (ids.length === 0) return [];
	const { results } = await db
		.prepare(
			`UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ?
			 WHERE id IN (${ids.map(() => "?").join(", ")}) AND status = 'failed' RETURNING id`,
		)
		.bind(now, now, ...ids)
		.all<{ id: string }>();
	return results.map((r) => r.id);
}

// Undo reopenFailed for deliveries whose message could not be queued.
export async function backToFailed(db: D1Database, ids: readonly string[], now: number): Promise<void> {
	if (ids.length === 0) return;
	await db
		.prepare(
			`UPDATE deliveries SET status = 'failed', updated_at = ? WHERE id IN (${ids.map(() => "?").join(", ")}) AND status = 'pending'`,
		)
		.bind(now, ...ids)
		.run();
}

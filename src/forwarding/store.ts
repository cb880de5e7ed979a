import type { SigningSecret } from "../shared/standard-webhooks";
import type { BreakerState, BreakerStatus } from "./core/breaker";
import type { DestinationCreate } from "./core/schema";

// Destinations in D1: the stored shape, row ↔ object, and the reads and
// writes of everything but the breaker (breaker.ts: compare-and-set).

export type DisabledReason = "operator" | "gone";

export interface Destination extends DestinationCreate {
	id: string;
	disabled_reason: DisabledReason | null;
	secrets: SigningSecret[];
	breaker: BreakerState;
	breaker_version: number;
	created_at: number;
	updated_at: number;
}

export interface DestinationRow {
	id: string;
	name: string;
	url: string;
	event_types: string;
	sources: string;
	auth: string;
	format: Destination["format"];
	enabled: number;
	disabled_reason: DisabledReason | null;
	max_attempts: number;
	secrets: string;
	breaker_status: BreakerStatus;
	consecutive_failures: number;
	opened_at: number | null;
	next_probe_at: number | null;
	failed_probes: number;
	breaker_version: number;
	created_at: number;
	updated_at: number;
}

export function fromRow(row: DestinationRow): Destination {
	return {
		id: row.id,
		name: row.name,
		url: row.url,
		event_types: JSON.parse(row.event_types),
		sources: JSON.parse(row.sources),
		auth: JSON.parse(row.auth),
		format: row.format,
		enabled: row.enabled === 1,
		disabled_reason: row.disabled_reason,
		max_attempts: row.max_attempts,
		secrets: JSON.parse(row.secrets),
		breaker: {
			status: row.breaker_status,
			consecutive_failures: row.consecutive_failures,
			opened_at: row.opened_at,
			next_probe_at: row.next_probe_at,
			failed_probes: row.failed_probes,
		},
		breaker_version: row.breaker_version,
		created_at: row.created_at,
		updated_at: row.updated_at,
	};
}

// The columns an operator's create or patch sets.
function settings(d: DestinationCreate) {
	return [
		d.name,
		d.url,
		JSON.stringify(d.event_types),
		JSON.stringify(d.sources),
		JSON.stringify(d.auth),
		d.format,
		d.enabled ? 1 : 0,
		d.max_attempts,
	];
}

export function insertDestination(db: D1Database, d: Destination): Promise<unknown> {
	return db
		.prepare(
			`INSERT INTO destinations (name, url, event_types, sources, auth, format, enabled, max_attempts, id, disabled_reason, secrets, created_at, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		)
		.bind(...settings(d), d.id, d.disabled_reason, JSON.stringify(d.secrets), d.created_at, d.updated_at)
		.run();
}

// Operator settings only: the breaker columns belong to breaker.ts.
export async function updateSettings(db: D1Database, d: Destination): Promise<boolean> {
	const result = await db
		.prepare(
			`UPDATE destinations SET name = ?, url = ?, event_types = ?, sources = ?, auth = ?, format = ?, enabled = ?, max_attempts = ?,
			 disabled_reason = ?, secrets = ?, updated_at = ? WHERE id = ?`,
		)
		.bind(...settings(d), d.disabled_reason, JSON.stringify(d.secrets), d.updated_at, d.id)
		.run();
	return result.meta.changes > 0;
}

export async function getDestination(db: D1Database, id: string): Promise<Destination | null> {
	const row = await db.prepare("SELECT * FROM destinations WHERE id = ?").bind(id).first<DestinationRow>();
	return row ? fromRow(row) : null;
}

export async function listDestinations(db: D1Database): Promise<Destination[]> {
	const { results } = await db.prepare("SELECT * FROM destinations ORDER BY created_at, id").all<DestinationRow>();
	return results.map(fromRow);
}

export async function destinationsById(db: D1Database, ids: readonly string[]): Promise<Map<string, Destination>> {
	if (ids.length === 0) return new Map();
	const unique = [...new Set(ids)];
	const { results } = await db
		.prepare(`SELECT * FROM destinations WHERE id IN (${unique.map(() => "?").join(", ")})`)
		.bind(...unique)
		.all<DestinationRow>();
	return new Map(results.map((r) => [r.id, fromRow(r)]));
}

// A destination, its deliveries, their attempts and its counters.
export async function deleteDestination(db: D1Database, id: string): Promise<boolean> {
	const [deleted] = await db.batch([
		db.prepare("DELETE FROM destinations WHERE id = ?").bind(id),
		db.prepare("DELETE FROM delivery_attempts WHERE destination_id = ?").bind(id),
		db.prepare("DELETE FROM deliveries WHERE destination_id = ?").bind(id),
		db.prepare("DELETE FROM destination_counters WHERE destination_id = ?").bind(id),
	]);
	return (deleted?.meta.changes ?? 0) > 0;
}

// 410 Gone: the receiver says the endpoint is gone for good.
export function disableAsGone(db: D1Database, id: string, now: number): D1PreparedStatement {
	return db
		.prepare("UPDATE destinations SET enabled = 0, disabled_reason = 'gone', updated_at = ? WHERE id = ? AND enabled = 1")
		.bind(now, id);
}

export type PausedReason = "operator" | "breaker" | "gone";

// Why a destination is not delivering, for the API, /metrics and alerts; null
// while it delivers (or was switched off on purpose with enabled=false).
export function pausedReason(enabled: boolean, disabled: DisabledReason | null, breaker: BreakerStatus): PausedReason | null {
	if (!enabled) return disabled === "gone" ? "gone" : null;
	if (breaker === "paused") return "operator";
	if (breaker === "open" || breaker === "half_open") return "breaker";
	return null;
}

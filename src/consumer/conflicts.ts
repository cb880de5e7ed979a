import { storedHash } from "../events/hash";
import type { EventRow } from "../shared/event-row";
import type { ProcessedEvent } from "./process";

export type StoredIdentity = Pick<EventRow, "event_id" | "received_at" | "body_hash">;

// Pure: whether an event about to be written collides with what is stored
// under its id. Only a later acceptance (another received_at) with other
// content is a conflict: a queue redelivery has the same received_at, a
// resend of the same content the same hash, and rows archived before hashes
// were kept have none to compare. Returns the dead letter's reason, or null.
export function conflictWith(stored: StoredIdentity | undefined, incoming: ProcessedEvent["event"]): string | null {
	if (!stored || stored.received_at === incoming.received_at) return null;
	if (stored.body_hash === null || incoming.body_hash === null || storedHash(stored.body_hash) === storedHash(incoming.body_hash))
		return null;
	return `id_conflict: event id ${incoming.event_id} was accepted again after the idempotency window with a different body (stored sha256 ${storedHash(stored.body_hash)}…, received sha256 ${storedHash(incoming.body_hash)}…)`;
}

// What is stored under these ids (at most a batch's worth, by primary key).
export async function storedIdentities(db: D1Database, eventIds: readonly string[]): Promise<Map<string, StoredIdentity>> {
	if (eventIds.length === 0) return new Map();
	const { results } = await db
		.prepare(`SELECT event_id, received_at, body_hash FROM events WHERE event_id IN (${eventIds.map(() => "?").join(", ")})`)
		.bind(...eventIds)
		.all<StoredIdentity>();
	return new Map(results.map((r) => [r.event_id, r]));
}

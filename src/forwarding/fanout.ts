import type { EventRow } from "../shared/event-row";
import { describeError, logLine } from "../shared/log";
import { webhookId } from "../shared/standard-webhooks";
import { matches } from "./core/filter";
import type { PayloadFormat } from "./core/schema";
import { insertDeliveries, type NewDelivery } from "./deliveries";
import { sendDeliveries } from "./messages";

// The main consumer's hook: after a batch is written to D1, one delivery per
// (processed event, matching enabled destination) is recorded in D1 and put
// on the deliveries queue. No request to a destination happens here, so a
// slow destination never holds back ingest or the D1 writes.

// What fan-out reads of a stored event (provider_type: a provider event's own
// type, which filters match as well as event_type).
export type StoredEvent = Pick<EventRow, "event_id" | "event_type" | "provider_type" | "source" | "status">;

interface Target {
	id: string;
	event_types: string[];
	sources: string[];
	format: PayloadFormat;
}

// A processed event goes to every matching destination. An unhandled one (a
// provider type with no mapping, a direct type with no handler) has no
// canonical event to build an `event` or `dashboard` body from, so it goes
// only to `raw` destinations, which forward what the sender sent.
export const receives = (target: Target, event: StoredEvent): boolean =>
	(event.status === "processed" || target.format === "raw") && matches(target, event);

// Enabled destinations, cached per isolate for a few seconds: a batch does
// not read them from D1 every time. Paused ones are included: their
// deliveries are held, not lost.
export const TARGET_CACHE_MS = 5_000;
let cache: { at: number; targets: Promise<Target[]> } | null = null;

export function invalidateTargets(): void {
	cache = null;
}

async function loadTargets(db: D1Database): Promise<Target[]> {
	const { results } = await db
		.prepare("SELECT id, event_types, sources, format FROM destinations WHERE enabled = 1 ORDER BY id")
		.all<{ id: string; event_types: string; sources: string; format: PayloadFormat }>();
	return results.map((r) => ({ id: r.id, event_types: JSON.parse(r.event_types), sources: JSON.parse(r.sources), format: r.format }));
}

function targets(db: D1Database, now: number): Promise<Target[]> {
	if (!cache || now - cache.at >= TARGET_CACHE_MS) {
		const loading = loadTargets(db);
		cache = { at: now, targets: loading };
		// A failed read is not cached.
		loading.catch(() => {
			if (cache?.targets === loading) cache = null;
		});
	}
	return cache.targets;
}

export interface FanoutEnv {
	DB: D1Database;
	DELIVERIES_QUEUE: Queue;
}

// Never throws. A delivery recorded but not queued (queue down) is re-queued
// by the every-minute sweep (sweep.ts). If the deliveries cannot be recorded
// at all (D1 refused, or the destinations could not be read), it returns
// null: the caller retries those events' messages rather than acking them
// (their own write is idempotent, so the retry only redoes this fan-out).
export async function enqueueDeliveries(env: FanoutEnv, events: readonly StoredEvent[], now: number = Date.now()): Promise<number | null> {
	if (events.length === 0) return 0;
	try {
		const destinations = await targets(env.DB, now);
		const rows: NewDelivery[] = [];
		for (const event of events) {
			for (const d of destinations) {
				if (!receives(d, event)) continue;
				rows.push({
					id: await webhookId(event.event_id, d.id),
					destination_id: d.id,
					event_id: event.event_id,
					event_type: event.event_type,
					source: event.source,
					status: "pending",
					next_attempt_at: now,
					created_at: now,
					updated_at: now,
				});
			}
		}
		// Only deliveries this call created are queued: a redelivered batch adds none.
		const created = await insertDeliveries(env.DB, rows);
		try {
			await sendDeliveries(env.DELIVERIES_QUEUE, created);
		} catch (err) {
			logLine("warn", "deliveries_queue_failed", {
				deliveries: created.length,
				error: describeError(err),
				recovery: "re-queued by the sweep",
			});
		}
		return created.length;
	} catch (err) {
		logLine("error", "deliveries_fanout_failed", {
			event_ids: events.map((e) => e.event_id),
			error: describeError(err),
			recovery: "messages retried",
		});
		return null;
	}
}

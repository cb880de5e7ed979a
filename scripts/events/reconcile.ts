// Pure reconciliation: what the sender was told (acks) against what landed in
// D1. Every event acknowledged with 202 must be in `events` or `dead_letters`
// exactly once; anything else is lost or double-counted.
import type { Outcome } from "./http";
import { type LatencySummary, summarize } from "./stats";

// Poison is sent on purpose and belongs in dead_letters; valid events belong
// in events (or in dead_letters once their retries are exhausted).
export type Intent = "valid" | "poison";

export interface SendRecord {
	eventId: string;
	intent: Intent;
	outcome: Outcome;
	ackMs: number;
}

export interface LandedRow {
	event_id: string;
	table: "events" | "dead_letters";
	latency_ms: number | null;
	error: string | null;
	// events.status (processed | unhandled), or dead_lettered.
	status?: string;
	event_type?: string | null;
}

export interface DoubleCount {
	eventId: string;
	reason: string;
}

export interface Reconciliation {
	accepted: number;
	// Stored in events; unhandled of them archived with no handler for their type.
	processed: number;
	unhandled: number;
	deadLettered: { poison: number; afterRetries: number; errors: string[] };
	lost: string[];
	doubleCounted: DoubleCount[];
	// Poison that was processed as if valid: the handler let bad data through.
	misrouted: string[];
	// Landed although the sender never saw a 202 (the ack timed out or was lost).
	unconfirmed: string[];
	e2e: LatencySummary;
}

export function reconcile(records: readonly SendRecord[], rows: readonly LandedRow[]): Reconciliation {
	const intentOf = new Map<string, Intent>();
	const acceptances = new Map<string, number>();
	for (const r of records) {
		if (!intentOf.has(r.eventId)) intentOf.set(r.eventId, r.intent);
		if (r.outcome === "accepted") acceptances.set(r.eventId, (acceptances.get(r.eventId) ?? 0) + 1);
	}
	const landed = new Map<string, LandedRow[]>();
	for (const row of rows) landed.set(row.event_id, [...(landed.get(row.event_id) ?? []), row]);

	const lost: string[] = [];
	const doubleCounted: DoubleCount[] = [];
	const misrouted: string[] = [];
	const e2e: number[] = [];
	const deadLettered = { poison: 0, afterRetries: 0, errors: new Set<string>() };
	let processed = 0;
	let unhandled = 0;

	for (const [eventId, times] of acceptances) {
		if (times > 1) doubleCounted.push({ eventId, reason: `acknowledged 202 ${times} times` });
		const found = landed.get(eventId) ?? [];
		if (found.length === 0) {
			lost.push(eventId);
			continue;
		}
		if (found.length > 1) {
			doubleCounted.push({ eventId, reason: `stored ${found.length} times (${found.map((f) => f.table).join(" + ")})` });
		}
		const row = found[0]!;
		if (row.table === "events") {
			processed++;
			if (row.status === "unhandled") unhandled++;
			if (row.latency_ms !== null) e2e.push(row.latency_ms);
			if (intentOf.get(eventId) === "poison") misrouted.push(eventId);
		} else {
			if (intentOf.get(eventId) === "poison") deadLettered.poison++;
			else deadLettered.afterRetries++;
			if (row.error) deadLettered.errors.add(row.error);
		}
	}

	return {
		accepted: acceptances.size,
		processed,
		unhandled,
		deadLettered: { poison: deadLettered.poison, afterRetries: deadLettered.afterRetries, errors: [...deadLettered.errors].slice(0, 5) },
		lost,
		doubleCounted,
		misrouted,
		unconfirmed: [...landed.keys()].filter((id) => !acceptances.has(id)),
		e2e: summarize(e2e),
	};
}

// A run is sound when nothing acknowledged went missing or was counted twice.
export function isSound(r: Pick<Reconciliation, "lost" | "doubleCounted" | "misrouted">): boolean {
	return r.lost.length === 0 && r.doubleCounted.length === 0 && r.misrouted.length === 0;
}

// Ids that must have landed before the drain is over.
export function acceptedIds(records: readonly SendRecord[]): Set<string> {
	return new Set(records.filter((r) => r.outcome === "accepted").map((r) => r.eventId));
}

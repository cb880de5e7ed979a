import type { BreakerState } from "./core/breaker";
import { sendProbe, sendRelease } from "./messages";

// The breaker's state in D1, changed by compare-and-set on breaker_version:
// every isolate's consumer and the pause/resume routes go through here, so a
// concurrent change is re-read and the change re-applied, never overwritten.

export interface BreakerSnapshot {
	state: BreakerState;
	version: number;
}

export interface BreakerChange {
	before: BreakerState;
	after: BreakerState;
}

const MAX_TRIES = 8;

interface BreakerRow {
	breaker_status: BreakerState["status"];
	consecutive_failures: number;
	opened_at: number | null;
	next_probe_at: number | null;
	failed_probes: number;
	breaker_version: number;
}

export async function readBreaker(db: D1Database, id: string): Promise<BreakerSnapshot | null> {
	const row = await db
		.prepare(
			"SELECT breaker_status, consecutive_failures, opened_at, next_probe_at, failed_probes, breaker_version FROM destinations WHERE id = ?",
		)
		.bind(id)
		.first<BreakerRow>();
	if (!row) return null;
	const { breaker_status: status, breaker_version: version, ...rest } = row;
	return { state: { status, ...rest }, version };
}

const same = (a: BreakerState, b: BreakerState) =>
	a.status === b.status &&
	a.consecutive_failures === b.consecutive_failures &&
	a.opened_at === b.opened_at &&
	a.next_probe_at === b.next_probe_at &&
	a.failed_probes === b.failed_probes;

// Applies `change` to the stored state. `start` saves the first read when the
// caller already has it. Null when the destination no longer exists.
export async function changeBreaker(
	db: D1Database,
	id: string,
	change: (state: BreakerState) => BreakerState,
	now: number,
	start?: BreakerSnapshot,
): Promise<BreakerChange | null> {
	let snapshot = start ?? (await readBreaker(db, id));
	for (let i = 0; i < MAX_TRIES && snapshot; i++) {
		const after = change(snapshot.state);
		if (same(after, snapshot.state)) return { before: snapshot.state, after };
		const won = await db
			.prepare(
				`UPDATE destinations SET breaker_status = ?, consecutive_failures = ?, opened_at = ?, next_probe_at = ?, failed_probes = ?,
				 breaker_version = breaker_version + 1, updated_at = ? WHERE id = ? AND breaker_version = ? RETURNING breaker_version`,
			)
			.bind(after.status, after.consecutive_failures, after.opened_at, after.next_probe_at, after.failed_probes, now, id, snapshot.version)
			.first();
		if (won) return { before: snapshot.state, after };
		snapshot = await readBreaker(db, id);
	}
	if (!snapshot) return null;
	throw new Error(`breaker of ${id}: lost ${MAX_TRIES} compare-and-set races in a row`);
}

// What a transition asks of the queue: a newly opened (or re-opened) breaker
// schedules its probe; a breaker that closes releases the held deliveries.
// Only the isolate whose compare-and-set made the transition sends these.
export async function followUp(queue: Queue, destinationId: string, change: BreakerChange, now: number): Promise<void> {
	const { before, after } = change;
	if (
		after.status === "open" &&
		after.next_probe_at !== null &&
		(before.status !== "open" || before.next_probe_at !== after.next_probe_at)
	) {
		await sendProbe(queue, destinationId, after.next_probe_at, now);
	} else if (after.status === "closed" && before.status !== "closed") {
		await sendRelease(queue, destinationId);
	}
}

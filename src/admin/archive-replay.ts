import { type ProcessedEvent, parseMessage, processMessage } from "../consumer/process";
import { statementsFor } from "../consumer/writes";
import { PermanentError } from "../events/contract";
import { logLine } from "../shared/log";
import type { Keyset } from "./cursor";
import { parsePayload } from "./event-queries";
import { atLeast, before, eq, where } from "./sql";

export interface ArchiveRange {
	from: number;
	to: number;
	event_type?: string;
}

interface StoredEvent {
	rid: number;
	event_id: string;
	source: string;
	occurred_at: number;
	received_at: number;
	attempts: number;
	status: "processed" | "unhandled";
	payload: string;
}

export interface ArchiveReplayResult {
	scanned: number;
	reprocessed: number;
	// unhandled → processed: a handler now exists for the type.
	newly_processed: number;
	failed: { event_id: string; error: string }[];
	complete: boolean;
	// Where to resume when this call hit its budget (pass back as `cursor`).
	resume: Keyset | null;
}

// Events per page, and pages per call: each page is one read and one write
// round trip, so a call stays far inside a Worker's subrequest budget.
export const ARCHIVE_PAGE = 100;
export const ARCHIVE_PAGES_PER_CALL = 50;

// Pure: a stored event → the rows its handler derives now. Permanent errors
// (the stored data is wrong for today's handler) are reported, not thrown.
export function reprocess(stored: StoredEvent, now: number): { ok: ProcessedEvent } | { error: string } {
	try {
		const message = parseMessage({ event: parsePayload(stored.payload), received_at: stored.received_at, source: stored.source });
		return { ok: processMessage(message, stored.attempts, now) };
	} catch (err) {
		if (err instanceof PermanentError) return { error: err.message };
		throw err;
	}
}

async function readPage(db: D1Database, range: ArchiveRange, after: Keyset | null): Promise<StoredEvent[]> {
	const clause = where([
		eq("event_type", range.event_type),
		atLeast("occurred_at", range.from),
		before("occurred_at", range.to),
		after ? ["(occurred_at, rowid) > (?, ?)", after.at, after.id] : undefined,
	]);
	const { results } = await db
		.prepare(
			`SELECT rowid AS rid, event_id, source, occurred_at, received_at, attempts, status, payload
			 FROM events ${clause.sql} ORDER BY occurred_at, rowid LIMIT ?`,
		)
		.bind(...clause.params, ARCHIVE_PAGE)
		.all<StoredEvent>();
	return results;
}

// Re-runs today's handlers over stored events, oldest first, writing with the
// consumer's own idempotent statements in replay mode: the event log keeps one
// row per event and derived tables end as if each event were processed once,
// however often this runs.
export async function replayArchive(
	db: D1Database,
	range: ArchiveRange,
	start: Keyset | null,
	now = Date.now(),
): Promise<ArchiveReplayResult> {
	const result: ArchiveReplayResult = { scanned: 0, reprocessed: 0, newly_processed: 0, failed: [], complete: false, resume: start };
	for (let page = 0; page < ARCHIVE_PAGES_PER_CALL; page++) {
		const events = await readPage(db, range, result.resume);
		const last = events.at(-1);
		if (!last) {
			result.complete = true;
			result.resume = null;
			break;
		}
		const ready: ProcessedEvent[] = [];
		for (const stored of events) {
			const outcome = reprocess(stored, now);
			if ("error" in outcome) {
				result.failed.push({ event_id: stored.event_id, error: outcome.error });
				continue;
			}
			ready.push(outcome.ok);
			if (stored.status === "unhandled" && outcome.ok.event.status === "processed") result.newly_processed += 1;
		}
		if (ready.length) await db.batch(statementsFor(db, ready, { replay: true }));
		result.scanned += events.length;
		result.reprocessed += ready.length;
		result.resume = { at: last.occurred_at, id: last.rid };
		if (events.length < ARCHIVE_PAGE) {
			result.complete = true;
			result.resume = null;
			break;
		}
	}
	logLine("info", "archive_replay", {
		...range,
		scanned: result.scanned,
		reprocessed: result.reprocessed,
		newly_processed: result.newly_processed,
		failed: result.failed.length,
		complete: result.complete,
	});
	return result;
}

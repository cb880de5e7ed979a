import { Hono } from "hono";
import { LOCATION_COLUMNS, type PayloadLocation, readPayloads } from "../archive/read";
import { type ProcessedEvent, parseMessage, processMessage } from "../consumer/process";
import { statementsFor } from "../consumer/writes";
import { PermanentError } from "../events/contract";
import { SOURCE_PATTERN } from "../events/envelope";
import { decodeCursor, encodeCursor, type Keyset } from "../shared/cursor";
import { documented } from "../shared/describe";
import type { EventRow } from "../shared/event-row";
import { logLine } from "../shared/log";
import { instant } from "../shared/params";
import { atLeast, before, eq, where } from "../shared/sql";
import { validated } from "../shared/validation";
import { configuredSources, type Source } from "../sources/config";
import * as z from "../zod/mini";
import { parsePayload } from "./event-queries";

// Event replay from the archive (POST /api/replay): today's event types and
// source mappings re-run over stored events in a time range, after a handler
// fix or for a type that has just gained a handler.

export interface ArchiveRange {
	from: number;
	to: number;
	event_type?: string;
	source?: string;
}

// A stored event with its payload and headers read back (src/archive/read.ts).
type StoredEvent = Pick<
	EventRow,
	"event_id" | "source" | "occurred_at" | "received_at" | "attempts" | "status" | "payload" | "provider_event_id" | "provider_type"
> & { rid: number; headers: Record<string, string> | null };

type StoredRow = PayloadLocation & Pick<StoredEvent, "rid" | "attempts" | "status">;

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

// The queue message an archived event came from: a provider delivery (raw
// body, provider id, type and headers as stored) or a direct envelope.
function messageOf(stored: StoredEvent): unknown {
	if (stored.provider_event_id === null)
		return { event: parsePayload(stored.payload), received_at: stored.received_at, source: stored.source };
	return {
		kind: "delivery",
		source: stored.source,
		received_at: stored.received_at,
		delivery: {
			id: stored.provider_event_id,
			type: stored.provider_type ?? "unknown",
			occurred_at: stored.occurred_at,
			headers: stored.headers ?? {},
			body: stored.payload,
		},
	};
}

// Pure: a stored event → the rows today's event types (and, for provider
// sources, today's mappings) derive from it. Permanent errors (the stored
// data does not fit) are reported, not thrown.
export function reprocess(stored: StoredEvent, now: number, sources: readonly Source[]): { ok: ProcessedEvent } | { error: string } {
	try {
		return { ok: processMessage(parseMessage(messageOf(stored)), stored.attempts, now, sources) };
	} catch (err) {
		if (err instanceof PermanentError) return { error: err.message };
		throw err;
	}
}

async function readPage(db: D1Database, range: ArchiveRange, after: Keyset | null): Promise<StoredRow[]> {
	const clause = where([
		eq("event_type", range.event_type),
		eq("source", range.source),
		atLeast("occurred_at", range.from),
		before("occurred_at", range.to),
		after ? ["(occurred_at, rowid) > (?, ?)", after.at, after.id] : undefined,
	]);
	const { results } = await db
		.prepare(
			`SELECT rowid AS rid, attempts, status, ${LOCATION_COLUMNS}
			 FROM events ${clause.sql} ORDER BY occurred_at, rowid LIMIT ?`,
		)
		.bind(...clause.params, ARCHIVE_PAGE)
		.all<StoredRow>();
	return results;
}

// A page's rows with their payloads, one R2 read per archive object.
async function withPayloads(bucket: R2Bucket, rows: StoredRow[]): Promise<(StoredEvent | { event_id: string; missing: true })[]> {
	const payloads = await readPayloads(bucket, rows);
	return rows.map((row) => {
		const archived = payloads.get(row.event_id);
		if (!archived) return { event_id: row.event_id, missing: true as const };
		return { ...row, payload: archived.payload, headers: archived.headers };
	});
}

// Re-runs today's handlers over stored events, oldest first, writing with the
// consumer's own idempotent statements in replay mode: the event log keeps one
// row per event and derived tables end as if each event were processed once,
// however often this runs.
export async function replayArchive(
	db: D1Database,
	bucket: R2Bucket,
	range: ArchiveRange,
	start: Keyset | null,
	sources: readonly Source[],
	now = Date.now(),
): Promise<ArchiveReplayResult> {
	const result: ArchiveReplayResult = { scanned: 0, reprocessed: 0, newly_processed: 0, failed: [], complete: false, resume: start };
	for (let page = 0; page < ARCHIVE_PAGES_PER_CALL; page++) {
		const rows = await readPage(db, range, result.resume);
		const last = rows.at(-1);
		if (!last) {
			result.complete = true;
			result.resume = null;
			break;
		}
		const ready: ProcessedEvent[] = [];
		for (const stored of await withPayloads(bucket, rows)) {
			if ("missing" in stored) {
				result.failed.push({ event_id: stored.event_id, error: "payload_missing: its archive object is gone" });
				continue;
			}
			const outcome = reprocess(stored, now, sources);
			if ("error" in outcome) {
				result.failed.push({ event_id: stored.event_id, error: outcome.error });
				continue;
			}
			ready.push(outcome.ok);
			if (stored.status === "unhandled" && outcome.ok.event.status === "processed") result.newly_processed += 1;
		}
		if (ready.length) await db.batch(statementsFor(db, ready, { replay: true }));
		result.scanned += rows.length;
		result.reprocessed += ready.length;
		result.resume = { at: last.occurred_at, id: last.rid };
		if (rows.length < ARCHIVE_PAGE) {
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

const replayBody = z
	.strictObject({
		from: instant.check(z.describe("occurred_at lower bound (inclusive)")),
		to: instant.check(z.describe("occurred_at upper bound (exclusive)")),
		event_type: z
			.optional(z.string().check(z.minLength(1), z.maxLength(200)))
			.check(z.describe("Only events stored with this type (a provider type for unhandled provider events)")),
		source: z.optional(z.string().check(z.regex(SOURCE_PATTERN))).check(z.describe("Only events from this source")),
		cursor: z.optional(z.string().check(z.maxLength(200))).check(z.describe("next_cursor of an incomplete previous call, to continue")),
	})
	.check(z.refine((b) => b.from < b.to, { path: ["to"], message: "must be after from" }));

const replayResult = z.object({
	scanned: z.int(),
	reprocessed: z.int(),
	newly_processed: z.int().check(z.describe("Previously unhandled events that a handler now processed")),
	failed: z
		.array(z.object({ event_id: z.string(), error: z.string() }))
		.check(z.describe("Events today's handler rejects (left as they were)")),
	complete: z.boolean(),
	next_cursor: z.nullable(z.string()).check(z.describe("Set when the call hit its budget: call again with it as cursor")),
});

// The route: one call replays up to ARCHIVE_PAGE × ARCHIVE_PAGES_PER_CALL
// events and hands back a cursor for the rest.
export const replayRoutes = new Hono<{ Bindings: Env }>().post(
	"/",
	documented({
		summary: "Re-run today's event types and source mappings over stored events in a time range",
		description:
			"Idempotent: derived tables end as if each event were processed once, however often it runs. Provider events archived as unhandled are mapped with the source's current mapping, so a mapping added later applies to them. Large ranges are done in calls of up to 5000 events; repeat with next_cursor until complete.",
		tags: ["Replay"],
		responses: { 200: ["What was replayed", replayResult] },
	}),
	validated("json", replayBody),
	async (c) => {
		const { cursor, from, to, event_type, source } = c.req.valid("json");
		const sources = configuredSources(c.env.SOURCES);
		const { resume, ...result } = await replayArchive(
			c.env.DB,
			c.env.PAYLOADS,
			{ from, to, event_type, source },
			decodeCursor(cursor),
			sources,
		);
		return c.json({ ...result, next_cursor: resume ? encodeCursor(resume) : null });
	},
);

import { Hono } from "hono";
import { z } from "zod";
import { documented } from "../shared/describe";
import { ApiError } from "../shared/errors";
import { logLine } from "../shared/log";
import { cursorParam, idParam, instant, pageLimit, timeRange } from "../shared/params";
import { validated } from "../shared/validation";
import { decodeCursor } from "./cursor";
import { getDeadLetter, listDeadLetters, resolveOpen } from "./dead-letter-queries";
import { QueueUnavailable, type ReplayOutcome, rebuildMessage, replayLetters, replayMatching } from "./dead-letter-replay";
import { parsePayload } from "./event-queries";
import { deadLetterDetailSchema, deadLetterSchema, deadLetterStatus, page } from "./schemas";

const matchFields = {
	type: z.string().min(1).max(100).optional().describe("event_type"),
	error: z.string().min(1).max(500).optional().describe("Text the error contains (case-insensitive for ASCII)"),
	...timeRange,
};

const listQuery = z.object({
	status: z.union([deadLetterStatus, z.literal("all")]).default("open"),
	...matchFields,
	limit: pageLimit(500, 50),
	cursor: cursorParam,
});

const bulkReplayBody = z.strictObject({
	event_type: matchFields.type,
	error: matchFields.error,
	from: instant.optional().describe("failed_at lower bound (inclusive)"),
	to: instant.optional().describe("failed_at upper bound (exclusive)"),
});

const replayResult = z.object({
	matched: z.number().int(),
	replayed: z.array(z.number().int()).describe("Ids re-enqueued and marked replayed"),
	not_replayable: z.array(z.object({ id: z.number().int(), reason: z.string() })),
	skipped: z.array(z.number().int()).describe("Resolved by a concurrent request meanwhile"),
});

const TAGS = ["Dead letters"];

// Re-enqueue failed; what went through stays replayed, the rest stays open.
function queueDown(err: unknown, extra: Record<string, unknown> = {}): never {
	if (!(err instanceof QueueUnavailable)) throw err;
	const { replayed, not_replayable, skipped }: ReplayOutcome = err.partial;
	throw new ApiError(
		503,
		"queue_unavailable",
		"The events queue is unavailable; retry later",
		{ ...extra, replayed, not_replayable, skipped },
		{ "Retry-After": "5" },
	);
}

async function findLetter(db: D1Database, id: number) {
	const letter = await getDeadLetter(db, id);
	if (!letter) throw new ApiError(404, "dead_letter_not_found", `No dead letter ${id}`, { id });
	return letter;
}

async function openLetter(db: D1Database, id: number) {
	const letter = await findLetter(db, id);
	if (letter.status !== "open") {
		throw new ApiError(409, "dead_letter_resolved", `Dead letter ${id} is already ${letter.status}`, {
			id,
			status: letter.status,
			resolved_at: letter.resolved_at,
		});
	}
	return letter;
}

// The letter as it is now, after a replay or discard moved it.
async function resolvedRow(db: D1Database, id: number) {
	const { payload: _payload, message: _message, ...row } = await findLetter(db, id);
	return row;
}

const resolvedMeanwhile = (id: number) => new ApiError(409, "dead_letter_resolved", `Dead letter ${id} was resolved meanwhile`, { id });

// Review failures, put them back on the queue once fixed, or discard them.
// Rows are never deleted: replay and discard only change the status and time.
export const deadLetterRoutes = new Hono<{ Bindings: Env }>()
	.get(
		"/",
		documented({
			summary: "List dead letters, newest failure first",
			tags: TAGS,
			responses: { 200: ["One page", page(deadLetterSchema)] },
		}),
		validated("query", listQuery),
		async (c) => {
			const { cursor, ...filter } = c.req.valid("query");
			return c.json(await listDeadLetters(c.env.DB, { ...filter, cursor: decodeCursor(cursor) }));
		},
	)
	.post(
		"/replay",
		documented({
			summary: "Replay every open dead letter matching a filter",
			description: "Pages through all matches on the server (not one page). An empty filter replays every open dead letter.",
			tags: TAGS,
			responses: { 200: ["What was replayed", replayResult], 503: ["Queue unavailable; the rest stays open"] },
		}),
		validated("json", bulkReplayBody),
		async (c) => {
			const { event_type, ...rest } = c.req.valid("json");
			try {
				return c.json(await replayMatching(c.env, { type: event_type, ...rest }, Date.now()));
			} catch (err) {
				queueDown(err);
			}
		},
	)
	.get(
		"/:id",
		documented({
			summary: "One dead letter with its payload",
			tags: TAGS,
			responses: { 200: ["The dead letter", deadLetterDetailSchema], 404: ["Unknown id"] },
		}),
		validated("param", idParam),
		async (c) => {
			const { message: _message, ...letter } = await findLetter(c.env.DB, c.req.valid("param").id);
			return c.json({ ...letter, payload: parsePayload(letter.payload) });
		},
	)
	.post(
		"/:id/replay",
		documented({
			summary: "Re-enqueue the original event of one open dead letter",
			tags: TAGS,
			responses: {
				200: ["Re-enqueued; the letter is marked replayed", deadLetterSchema],
				404: ["Unknown id"],
				409: ["Already replayed or discarded"],
				422: ["The payload is not a replayable event"],
				503: ["Queue unavailable; the letter stays open"],
			},
		}),
		validated("param", idParam),
		async (c) => {
			const { id } = c.req.valid("param");
			const letter = await openLetter(c.env.DB, id);
			const rebuilt = rebuildMessage(letter);
			if (!rebuilt.ok) throw new ApiError(422, "not_replayable", rebuilt.reason, { id });
			let outcome: ReplayOutcome;
			try {
				outcome = await replayLetters(c.env, [letter], Date.now());
			} catch (err) {
				queueDown(err, { id });
			}
			if (!outcome.replayed.includes(id)) throw resolvedMeanwhile(id);
			logLine("info", "dead_letter_replayed", { id, event_id: letter.event_id });
			return c.json(await resolvedRow(c.env.DB, id));
		},
	)
	.delete(
		"/:id",
		documented({
			summary: "Discard one open dead letter (recorded, never deleted)",
			tags: TAGS,
			responses: { 200: ["Marked discarded with the time", deadLetterSchema], 404: ["Unknown id"], 409: ["Already replayed or discarded"] },
		}),
		validated("param", idParam),
		async (c) => {
			const { id } = c.req.valid("param");
			const letter = await openLetter(c.env.DB, id);
			const [moved] = await resolveOpen(c.env.DB, [id], "discarded", Date.now());
			if (moved === undefined) throw resolvedMeanwhile(id);
			logLine("info", "dead_letter_discarded", { id, event_id: letter.event_id });
			return c.json(await resolvedRow(c.env.DB, id));
		},
	);

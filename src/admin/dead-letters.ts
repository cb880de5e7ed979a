import { Hono } from "hono";
import { decodeCursor, encodeCursor } from "../shared/cursor";
import { documented } from "../shared/describe";
import { ApiError, retryAfter } from "../shared/errors";
import { logLine } from "../shared/log";
import { cursorParam, idParam, instant, pageLimit, timeRange } from "../shared/params";
import { validated } from "../shared/validation";
import * as z from "../zod/mini";
import { getDeadLetter, listDeadLetters, resolveOpen } from "./dead-letter-queries";
import {
	QueueUnavailable,
	REPLAY_MAX_PER_CALL,
	type ReplayOutcome,
	type ReplayPosition,
	rebuildMessage,
	replayLetters,
	replayMatching,
} from "./dead-letter-replay";
import { parsePayload } from "./event-queries";
import { deadLetterDetailSchema, deadLetterSchema, deadLetterStatus, page } from "./schemas";

const matchFields = {
	type: z.optional(z.string().check(z.minLength(1), z.maxLength(100))).check(z.describe("event_type")),
	error: z
		.optional(z.string().check(z.minLength(1), z.maxLength(500)))
		.check(z.describe("Text the error contains (case-insensitive for ASCII)")),
	...timeRange,
};

const listQuery = z.object({
	status: z._default(z.union([deadLetterStatus, z.literal("all")]), "open"),
	...matchFields,
	limit: pageLimit(500, 50),
	cursor: cursorParam,
});

const bulkReplayBody = z.strictObject({
	event_type: matchFields.type,
	error: matchFields.error,
	from: z.optional(instant).check(z.describe("failed_at lower bound (inclusive)")),
	to: z.optional(instant).check(z.describe("failed_at upper bound (exclusive)")),
	limit: z
		._default(z.int().check(z.gte(1), z.lte(REPLAY_MAX_PER_CALL)), REPLAY_MAX_PER_CALL)
		.check(z.describe(`Most letters this call takes (1–${REPLAY_MAX_PER_CALL})`)),
	cursor: cursorParam.check(z.describe("next_cursor of the previous call, to continue; send the same filter")),
});

const replayResult = z.object({
	matched: z.int().check(z.describe("Open letters this call took")),
	replayed: z.array(z.int()).check(z.describe("Ids re-enqueued and marked replayed")),
	not_replayable: z.array(z.object({ id: z.int(), reason: z.string() })).check(z.describe("Left open: not an event, or too large")),
	skipped: z.array(z.int()).check(z.describe("Re-enqueued, but resolved or failed again meanwhile: not marked here")),
	next_cursor: z.nullable(z.string()).check(z.describe("Set when matches are left: call again with it as cursor; null when done")),
});

const BULK_REPLAY_DESCRIPTION = `Takes the open letters matching the filter oldest first, at most \`limit\` (default and maximum ${REPLAY_MAX_PER_CALL}) per call. When matches are left the answer carries \`next_cursor\`: call again with the same filter and \`cursor\` set to it until \`next_cursor\` is null. A sequence of calls takes each letter once, and never the letters that failed again after the first call started. Each chunk of letters is enqueued first and marked replayed only once it is on the queue: if the queue fails mid-way (503), the letters not enqueued stay open and the 503 body's \`next_cursor\` continues from the first of them. An empty filter replays every open dead letter.`;

const cursorOf = (position: ReplayPosition | null) => (position ? encodeCursor({ at: position.maxId, id: position.afterId }) : null);

function positionOf(cursor: string | undefined): ReplayPosition | null {
	const key = decodeCursor(cursor);
	return key ? { maxId: key.at, afterId: key.id } : null;
}

const TAGS = ["Dead letters"];

// Re-enqueue failed; what went through stays replayed, the rest stays open.
function queueDown(err: unknown, extra: Record<string, unknown> = {}): never {
	if (!(err instanceof QueueUnavailable)) throw err;
	const { replayed, not_replayable, skipped }: ReplayOutcome = err.partial;
	const resume = err.resume ? { next_cursor: cursorOf(err.resume) } : {};
	throw new ApiError(503, {
		code: "queue_unavailable",
		message: "The events queue is unavailable; retry later",
		details: { ...extra, replayed, not_replayable, skipped, ...resume },
		headers: retryAfter(5),
	});
}

async function findLetter(db: D1Database, id: number) {
	const letter = await getDeadLetter(db, id);
	if (!letter) throw new ApiError(404, { code: "dead_letter_not_found", message: `No dead letter ${id}`, details: { id } });
	return letter;
}

async function openLetter(db: D1Database, id: number) {
	const letter = await findLetter(db, id);
	if (letter.status !== "open") {
		throw new ApiError(409, {
			code: "dead_letter_resolved",
			message: `Dead letter ${id} is already ${letter.status}`,
			details: {
				id,
				status: letter.status,
				resolved_at: letter.resolved_at,
			},
		});
	}
	return letter;
}

// The letter as it is now, after a replay or discard moved it.
async function resolvedRow(db: D1Database, id: number) {
	const { payload: _payload, message: _message, ...row } = await findLetter(db, id);
	return row;
}

const resolvedMeanwhile = (id: number) =>
	new ApiError(409, { code: "dead_letter_resolved", message: `Dead letter ${id} was resolved meanwhile`, details: { id } });

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
			summary: "Replay the open dead letters matching a filter, up to 500 per call",
			description: BULK_REPLAY_DESCRIPTION,
			tags: TAGS,
			responses: {
				200: ["What was replayed, and where to continue", replayResult],
				503: ["Queue unavailable: what was enqueued is marked, the rest stays open; continue with next_cursor"],
			},
		}),
		validated("json", bulkReplayBody),
		async (c) => {
			const { event_type, limit, cursor, ...rest } = c.req.valid("json");
			try {
				const { next, ...result } = await replayMatching(c.env, { type: event_type, ...rest }, Date.now(), positionOf(cursor), limit);
				return c.json({ ...result, next_cursor: cursorOf(next) });
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
				200: ["Re-enqueued, then marked replayed", deadLetterSchema],
				404: ["Unknown id"],
				409: ["Already replayed or discarded"],
				422: ["The payload is not a replayable event, or too large for a queue message"],
				503: ["Queue unavailable; the letter stays open"],
			},
		}),
		validated("param", idParam),
		async (c) => {
			const { id } = c.req.valid("param");
			const letter = await openLetter(c.env.DB, id);
			const rebuilt = rebuildMessage(letter);
			if (!rebuilt.ok) throw new ApiError(422, { code: "not_replayable", message: rebuilt.reason, details: { id } });
			let outcome: ReplayOutcome;
			try {
				outcome = await replayLetters(c.env, [letter], Date.now());
			} catch (err) {
				queueDown(err, { id });
			}
			const refused = outcome.not_replayable.find((n) => n.id === id);
			if (refused) throw new ApiError(422, { code: "not_replayable", message: refused.reason, details: { id } });
			// Enqueued, but another request resolved it (or it failed again) meanwhile.
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

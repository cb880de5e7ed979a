import { Hono } from "hono";
import { SOURCE_PATTERN } from "../events/envelope";
import { decodeCursor } from "../shared/cursor";
import { documented } from "../shared/describe";
import { ApiError } from "../shared/errors";
import { cursorParam, pageLimit, timeRange } from "../shared/params";
import { validated } from "../shared/validation";
import * as z from "../zod/mini";
import { eventDetail, listEvents } from "./event-queries";
import { eventDetailSchema, eventSummarySchema, page } from "./schemas";

const listQuery = z.object({
	type: z
		.optional(z.string().check(z.minLength(1), z.maxLength(200)))
		.check(z.describe("event_type (the canonical type, or the provider's type for unhandled provider events)")),
	source: z
		.optional(z.string().check(z.regex(SOURCE_PATTERN)))
		.check(z.describe("Only events from this source (direct, stripe, github, …)")),
	status: z.optional(z.enum(["processed", "unhandled"])),
	user_id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
	...timeRange,
	limit: pageLimit(500, 50),
	cursor: cursorParam,
});

// The event log in D1: newest first, keyset-paginated, and one event in full.
export const eventsRoutes = new Hono<{ Bindings: Env }>()
	.get(
		"/",
		documented({
			summary: "List stored events, newest first (by event time)",
			tags: ["Events"],
			responses: { 200: ["One page of events", page(eventSummarySchema)] },
		}),
		validated("query", listQuery),
		async (c) => {
			const { cursor, ...filter } = c.req.valid("query");
			return c.json(await listEvents(c.env.DB, { ...filter, cursor: decodeCursor(cursor) }));
		},
	)
	.get(
		"/:id",
		documented({
			summary: "One event with its payload, failed attempts and dead letters",
			tags: ["Events"],
			responses: { 200: ["The event", eventDetailSchema], 404: ["No event, attempt or dead letter has this id"] },
		}),
		validated("param", z.object({ id: z.string().check(z.minLength(1), z.maxLength(600)) })),
		async (c) => {
			const { id } = c.req.valid("param");
			const detail = await eventDetail(c.env.DB, c.env.PAYLOADS, id);
			if (!detail.event && detail.attempts.length === 0 && detail.dead_letters.length === 0) {
				throw new ApiError(404, { code: "event_not_found", message: `No event ${id}`, details: { event_id: id } });
			}
			return c.json({ event_id: id, ...detail });
		},
	);

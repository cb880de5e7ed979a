import { Hono } from "hono";
import { decodeCursor } from "../shared/cursor";
import { documented } from "../shared/describe";
import { ApiError, retryAfter } from "../shared/errors";
import { describeError, logLine } from "../shared/log";
import { cursorParam, instant, pageLimit, timeRange } from "../shared/params";
import { validated } from "../shared/validation";
import * as z from "../zod/mini";
import { backToFailed, reopenFailed } from "./deliveries";
import { deliveryAttemptSchema, deliverySchema, deliveryStatus, getDelivery, listDeliveries } from "./delivery-queries";
import { sendDeliveries } from "./messages";

// /api/deliveries: every delivery and its attempts; failed ones are replayed
// one at a time, all at once or by filter (bounded per request, with a cursor).

const TAGS = ["Deliveries"];

const matchFields = {
	destination: z.optional(z.string().check(z.minLength(1), z.maxLength(64))).check(z.describe("Destination id")),
	event_type: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
	event_id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
};

const listQuery = z.object({
	status: z.optional(deliveryStatus),
	...matchFields,
	...timeRange,
	limit: pageLimit(500, 50),
	cursor: cursorParam,
});

const replayBody = z.strictObject({
	...matchFields,
	from: z.optional(instant).check(z.describe("Last change at or after (inclusive)")),
	to: z.optional(instant).check(z.describe("Last change before (exclusive)")),
	limit: z._default(z.int().check(z.gte(1), z.lte(500)), 100).check(z.describe("Most failed deliveries looked at in this request")),
	cursor: cursorParam,
});

const replayResult = z.object({
	matched: z.int().check(z.describe("Failed deliveries looked at in this request")),
	replayed: z.array(z.string()).check(z.describe("Ids queued again")),
	next_cursor: z.nullable(z.string()).check(z.describe("Pass as cursor to continue; null when every match was looked at")),
});

const idParam = z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) });

// Failed → pending, then queued. If the queue refuses, they go back to
// failed (503) so nothing is left pending without a message.
async function replay(env: Env, ids: readonly string[]): Promise<string[]> {
	const now = Date.now();
	const moved = await reopenFailed(env.DB, ids, now);
	try {
		await sendDeliveries(env.DELIVERIES_QUEUE, moved);
	} catch (err) {
		await backToFailed(env.DB, moved, Date.now());
		logLine("error", "delivery_replay_queue_failed", { deliveries: moved.length, error: describeError(err) });
		throw new ApiError(503, {
			code: "queue_unavailable",
			message: "The deliveries queue is unavailable; retry later",
			headers: retryAfter(5),
		});
	}
	return moved;
}

export const deliveryRoutes = new Hono<{ Bindings: Env }>()
	.get(
		"/",
		documented({
			summary: "List deliveries, most recently changed first",
			description: "e.g. ?status=failed&destination=dst_… for what a destination did not get.",
			tags: TAGS,
			responses: { 200: ["One page", z.object({ data: z.array(deliverySchema), next_cursor: z.nullable(z.string()) })] },
		}),
		validated("query", listQuery),
		async (c) => {
			const { cursor, limit, ...match } = c.req.valid("query");
			const { data, next_cursor } = await listDeliveries(c.env.DB, match, decodeCursor(cursor), limit);
			return c.json({ data, next_cursor });
		},
	)
	.post(
		"/replay",
		documented({
			summary: "Replay failed deliveries matching a filter, a bounded number per request",
			description: "An empty body replays every failed delivery, `limit` at a time: call again with `next_cursor` until it is null.",
			tags: TAGS,
			requestBody: replayBody,
			responses: { 200: ["What was queued again", replayResult], 503: ["Queue unavailable; the deliveries stay failed"] },
		}),
		validated("json", replayBody),
		async (c) => {
			const { cursor, limit, ...match } = c.req.valid("json");
			const page = await listDeliveries(c.env.DB, { ...match, status: "failed" }, decodeCursor(cursor), limit);
			const replayed = await replay(
				c.env,
				page.rows.map((r) => r.id),
			);
			logLine("info", "deliveries_replayed", { matched: page.rows.length, replayed: replayed.length });
			return c.json({ matched: page.rows.length, replayed, next_cursor: page.next_cursor });
		},
	)
	.get(
		"/:id",
		documented({
			summary: "One delivery with every attempt",
			tags: TAGS,
			responses: { 200: ["The delivery", z.extend(deliverySchema, { attempts_log: z.array(deliveryAttemptSchema) })], 404: ["Unknown id"] },
		}),
		validated("param", idParam),
		async (c) => {
			const { id } = c.req.valid("param");
			const delivery = await getDelivery(c.env.DB, id);
			if (!delivery) throw new ApiError(404, { code: "delivery_not_found", message: `No delivery ${id}`, details: { id } });
			return c.json(delivery);
		},
	)
	.post(
		"/:id/replay",
		documented({
			summary: "Replay one failed delivery",
			tags: TAGS,
			responses: {
				200: ["Queued again", deliverySchema],
				404: ["Unknown id"],
				409: ["Not failed (nothing to replay)"],
				503: ["Queue unavailable; it stays failed"],
			},
		}),
		validated("param", idParam),
		async (c) => {
			const { id } = c.req.valid("param");
			const existing = await getDelivery(c.env.DB, id);
			if (!existing) throw new ApiError(404, { code: "delivery_not_found", message: `No delivery ${id}`, details: { id } });
			const [moved] = await replay(c.env, [id]);
			if (!moved)
				throw new ApiError(409, {
					code: "delivery_not_failed",
					message: `Delivery ${id} is ${existing.status}, not failed`,
					details: { id, status: existing.status },
				});
			const { attempts_log: _log, ...delivery } = (await getDelivery(c.env.DB, id)) ?? existing;
			return c.json(delivery);
		},
	);

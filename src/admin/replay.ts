import { Hono } from "hono";
import { z } from "zod";
import { documented } from "../shared/describe";
import { instant } from "../shared/params";
import { validated } from "../shared/validation";
import { replayArchive } from "./archive-replay";
import { decodeCursor, encodeCursor } from "./cursor";

const replayBody = z
	.strictObject({
		from: instant.describe("occurred_at lower bound (inclusive)"),
		to: instant.describe("occurred_at upper bound (exclusive)"),
		event_type: z.string().min(1).max(100).optional(),
		cursor: z.string().max(200).optional().describe("next_cursor of an incomplete previous call, to continue"),
	})
	.refine((b) => b.from < b.to, { path: ["to"], message: "must be after from" });

const replayResult = z.object({
	scanned: z.number().int(),
	reprocessed: z.number().int(),
	newly_processed: z.number().int().describe("Previously unhandled events that a handler now processed"),
	failed: z.array(z.object({ event_id: z.string(), error: z.string() })).describe("Events today's handler rejects (left as they were)"),
	complete: z.boolean(),
	next_cursor: z.string().nullable().describe("Set when the call hit its budget: call again with it as cursor"),
});

// Event replay from the archive in D1, after a handler fix or for a type that
// has just gained a handler.
export const replayRoutes = new Hono<{ Bindings: Env }>().post(
	"/",
	documented({
		summary: "Re-run today's handlers over stored events in a time range",
		description:
			"Idempotent: derived tables end as if each event were processed once, however often it runs. Large ranges are done in calls of up to 5000 events; repeat with next_cursor until complete.",
		tags: ["Replay"],
		responses: { 200: ["What was replayed", replayResult] },
	}),
	validated("json", replayBody),
	async (c) => {
		const { cursor, from, to, event_type } = c.req.valid("json");
		const { resume, ...result } = await replayArchive(c.env.DB, { from, to, event_type }, decodeCursor(cursor));
		return c.json({ ...result, next_cursor: resume ? encodeCursor(resume) : null });
	},
);

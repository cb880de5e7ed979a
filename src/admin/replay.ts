import { Hono } from "hono";
import { z } from "zod";
import { SOURCE_PATTERN } from "../events/envelope";
import { documented } from "../shared/describe";
import { instant } from "../shared/params";
import { validated } from "../shared/validation";
import { configuredSources } from "../sources/config";
import { replayArchive } from "./archive-replay";
import { decodeCursor, encodeCursor } from "./cursor";

const replayBody = z
	.strictObject({
		from: instant.describe("occurred_at lower bound (inclusive)"),
		to: instant.describe("occurred_at upper bound (exclusive)"),
		event_type: z
			.string()
			.min(1)
			.max(200)
			.optional()
			.describe("Only events stored with this type (a provider type for unhandled provider events)"),
		source: z.string().regex(SOURCE_PATTERN).optional().describe("Only events from this source"),
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
		const { resume, ...result } = await replayArchive(c.env.DB, { from, to, event_type, source }, decodeCursor(cursor), sources);
		return c.json({ ...result, next_cursor: resume ? encodeCursor(resume) : null });
	},
);

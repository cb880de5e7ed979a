import { Hono } from "hono";
import { SOURCE_PATTERN } from "../events/envelope";
import { decodeCursor, encodeCursor } from "../shared/cursor";
import { documented } from "../shared/describe";
import { instant } from "../shared/params";
import { validated } from "../shared/validation";
import { configuredSources } from "../sources/config";
import * as z from "../zod/mini";
import { replayArchive } from "./archive-replay";

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

import { Hono } from "hono";
import { DAY_PATTERN, dayStart } from "../archive/layout";
import { streamArchiveDay } from "../archive/stream";
import { SOURCE_PATTERN } from "../events/envelope";
import { documented } from "../shared/describe";
import { validated } from "../shared/validation";
import * as z from "../zod/mini";

// The raw-event archive in R2, one UTC day at a time: what any engine that
// reads NDJSON (DuckDB, Spark, ClickHouse) can load. Before and after
// retention alike: D1's index rows go, the archive stays for its lifetime.
export const archiveRoutes = new Hono<{ Bindings: Env }>().get(
	"/:day",
	documented({
		summary: "Stream one day's archived events as NDJSON, whole payloads included",
		description:
			"One JSON object per line: id, source, type, received_at, occurred_at, provider_event_id, provider_type, headers and payload (the body exactly as received, as a string). Keyed by the UTC day the event was received. Events stored before the archive existed appear once the scheduled backfill has moved them.",
		tags: ["Events"],
		responses: { 200: ["NDJSON, one event per line"] },
	}),
	validated(
		"param",
		z.object({
			day: z.string().check(
				z.regex(DAY_PATTERN, "must be a date, YYYY-MM-DD"),
				z.refine((day) => dayStart(day) !== null, "must be a calendar date"),
			),
		}),
	),
	validated("query", z.object({ source: z.optional(z.string().check(z.regex(SOURCE_PATTERN))) })),
	(c) => {
		const { day } = c.req.valid("param");
		const { source } = c.req.valid("query");
		return new Response(streamArchiveDay(c.env.DB, c.env.PAYLOADS, day, source), {
			headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" },
		});
	},
);

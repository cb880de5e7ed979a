import { Hono } from "hono";
import { ingestSnapshot, rejectedTotal } from "../metrics/client";
import { readPipelineState } from "../metrics/pipeline-state";
import { documented } from "../shared/describe";
import { validated } from "../shared/validation";
import * as z from "../zod/mini";
import { fillSeries, share, WINDOWS, type WindowName } from "./stats-math";
import { oldestRetrying, windowStats } from "./stats-queries";

const statsQuery = z.object({
	window: z._default(z.enum(Object.keys(WINDOWS) as [WindowName, ...WindowName[]]), "1h"),
});

const count = z.int();
const nullableMs = z.nullable(z.int());

const statsSchema = z.object({
	window: z.string(),
	since: count,
	until: count,
	received: z.object({
		total: count,
		accepted: count,
		duplicates: count,
		rejected: count,
		rejected_by_reason: z.record(z.string(), count),
	}),
	processed: count,
	unhandled: count,
	dead_lettered: count,
	by_type: z.array(z.object({ event_type: z.string(), processed: count, unhandled: count, dead_lettered: count })),
	throughput: z.object({
		bucket_seconds: count,
		series: z.array(z.object({ t: count, count, per_minute: z.number() })),
	}),
	latency_ms: z.object({ count, p50: nullableMs, p95: nullableMs, p99: nullableMs, max: nullableMs, mean: nullableMs }),
	retries: z.object({ first_try: count, after_retry: count, first_try_share: z.nullable(z.number()) }),
	backlog: z.object({
		pending: count,
		oldest_pending_age_ms: nullableMs.check(
			z.describe("Age of the oldest event still retrying (from its first failure); null when none is"),
		),
		oldest_pending_event_id: z.nullable(z.string()),
	}),
});

// Operator's overview for a window: ingest counts (IngestMetrics objects),
// outcomes, throughput and latency (D1), and the live backlog.
export const statsRoutes = new Hono<{ Bindings: Env }>().get(
	"/",
	documented({ summary: "Pipeline stats for a time window", tags: ["Stats"], responses: { 200: ["Stats for the window", statsSchema] } }),
	validated("query", statsQuery),
	async (c) => {
		const { window } = c.req.valid("query");
		const { ms, bucketMs } = WINDOWS[window];
		const until = Date.now();
		const since = until - ms;
		const [d1, ingest, state] = await Promise.all([
			windowStats(c.env.DB, since, bucketMs),
			ingestSnapshot(c.env.INGEST_METRICS, since),
			readPipelineState(c.env),
		]);
		const oldest = state.backlog > 0 ? await oldestRetrying(c.env.DB) : null;
		const sum = (key: "processed" | "unhandled" | "dead_lettered") => d1.byType.reduce((n, t) => n + t[key], 0);
		const stored = sum("processed") + sum("unhandled");
		const rejected = rejectedTotal(ingest.window.rejected);
		return c.json({
			window,
			since,
			until,
			received: {
				total: ingest.window.accepted + ingest.window.duplicates + rejected,
				accepted: ingest.window.accepted,
				duplicates: ingest.window.duplicates,
				rejected,
				rejected_by_reason: ingest.window.rejected,
			},
			processed: sum("processed"),
			unhandled: sum("unhandled"),
			dead_lettered: sum("dead_lettered"),
			by_type: d1.byType,
			throughput: { bucket_seconds: bucketMs / 1000, series: fillSeries(d1.series, since, until, bucketMs) },
			latency_ms: d1.latency,
			retries: { first_try: d1.firstTry, after_retry: stored - d1.firstTry, first_try_share: share(d1.firstTry, stored) },
			backlog: {
				pending: state.backlog,
				oldest_pending_age_ms: oldest ? until - oldest.first_failed_at : null,
				oldest_pending_event_id: oldest?.event_id ?? null,
			},
		} satisfies z.infer<typeof statsSchema>);
	},
);

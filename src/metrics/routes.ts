import { Hono } from "hono";
import { readDestinationMetrics } from "../forwarding/metrics";
import { documented } from "../shared/describe";
import { ingestSnapshot, rejectedTotal } from "./client";
import { CONTENT_TYPE, histogramFamily, type MetricFamily, render, single } from "./exposition";
import { readE2eHistogram, readPipelineState } from "./pipeline-state";

// Prometheus scrape endpoint (behind the admin token, applied in app.ts). Every number comes from durable
// state (D1 counters and the idempotency and ingest-metrics objects), so it is
// the same whichever isolate answers and survives restarts.
export const metricsRoutes = new Hono<{ Bindings: Env }>().get(
	"/",
	documented({
		summary: "Prometheus metrics (text exposition format)",
		tags: ["Operations"],
		mediaType: CONTENT_TYPE,
		responses: { 200: ["Counters, histograms and gauges"] },
	}),
	async (c) => {
		const [state, ingest, e2e, outbound] = await Promise.all([
			readPipelineState(c.env),
			ingestSnapshot(c.env.INGEST_METRICS, Date.now()),
			readE2eHistogram(c.env.DB),
			readDestinationMetrics(c.env.DB),
		]);
		const rejected = ingest.rejected;
		const families: MetricFamily[] = [
			single(
				"webhook_events_received_total",
				"Events received by the ingest API (accepted + duplicates + rejected)",
				"counter",
				state.accepted + state.duplicates + rejectedTotal(rejected),
			),
			single("webhook_events_accepted_total", "Events accepted and enqueued (idempotency objects)", "counter", state.accepted),
			single("webhook_events_duplicates_total", "Sender retries answered duplicate (idempotency objects)", "counter", state.duplicates),
			{
				name: "webhook_events_rejected_total",
				help: "Events rejected by the ingest API, by the error code the sender got",
				type: "counter",
				samples: Object.entries(rejected)
					.sort(([a], [b]) => a.localeCompare(b))
					.map(([reason, value]) => ({ labels: { reason }, value })),
			},
			single("webhook_events_processed_total", "Events stored with a handler (status processed)", "counter", state.processed),
			single(
				"webhook_events_unhandled_total",
				"Events stored without a handler for their type (status unhandled)",
				"counter",
				state.unhandled,
			),
			single("webhook_events_retried_total", "Failed delivery attempts that were retried", "counter", state.retried),
			single(
				"webhook_events_redelivered_total",
				"Later acceptances of events already stored (resent after the idempotency window): settled, not written again",
				"counter",
				state.redelivered,
			),
			single("webhook_events_dead_lettered_total", "Dead letters recorded", "counter", state.dead_lettered),
			single(
				"webhook_retention_deleted_total",
				"D1 rows deleted by retention (events index, attempts, deliveries, alert samples, resolved dead letters)",
				"counter",
				state.retention_deleted,
			),
			single("webhook_archive_backfilled_total", "Events stored before the R2 archive moved into it", "counter", state.archive_backfilled),
			single(
				"webhook_archive_orphans_deleted_total",
				"Archive objects deleted by the orphan sweep",
				"counter",
				state.archive_orphans_deleted,
			),
			{
				name: "webhook_dead_letters",
				help: "Dead letters by review status",
				type: "gauge",
				samples: Object.entries(state.dead_letters).map(([status, value]) => ({ labels: { status }, value })),
			},
			single("webhook_backlog_events", "Accepted events not yet processed or dead-lettered", "gauge", state.backlog),
			histogramFamily("webhook_ack_latency_seconds", "Time to answer an ingest request", ingest.ack),
			histogramFamily("webhook_end_to_end_latency_seconds", "From receipt to stored in D1 (events.latency_ms)", e2e),
			// Destinations (src/forwarding): one series per destination id.
			{
				name: "webhook_destination_paused",
				help: "1 while a destination is paused (reason: breaker, operator, or gone after a 410), 0 otherwise (reason none)",
				type: "gauge",
				samples: outbound.destinations.map((d) => ({ labels: { destination: d.id, reason: d.paused ?? "none" }, value: d.paused ? 1 : 0 })),
			},
			{
				name: "webhook_destination_deliveries_total",
				help: "Delivery attempts by outcome (success, retry, fail_permanent, disable)",
				type: "counter",
				samples: outbound.deliveries.map((d) => ({ labels: { destination: d.destination, outcome: d.outcome }, value: d.value })),
			},
		];
		return c.body(render(families), 200, { "content-type": CONTENT_TYPE, "cache-control": "no-store" });
	},
);

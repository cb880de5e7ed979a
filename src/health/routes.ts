import { Hono } from "hono";
import { readPipelineState } from "../metrics/pipeline-state";
import { configFor, webhookSecret } from "../shared/config";
import { documented } from "../shared/describe";
import { logLine } from "../shared/log";

const TAGS = ["Health"];

// Public probes. Both are O(1) whatever the shard count or the traffic, and
// neither says anything about the configuration (such as whether signing is
// on): the counters are behind the admin token, at GET /api/health.
export const healthRoutes = new Hono<{ Bindings: Env }>()
	// Liveness with no I/O at all: also the no-op baseline the bench compares
	// the ingest path against (same Worker, same runtime).
	.get("/live", documented({ summary: "Liveness, no I/O", tags: TAGS, auth: "none", responses: { 200: ["Alive"] } }), (c) =>
		c.json({ status: "ok" }),
	)
	// Readiness: one trivial D1 read, no Durable Object call, no counting.
	.get(
		"/",
		documented({
			summary: "Readiness: the Worker answers and D1 can be read",
			description: "One trivial D1 read. Counters, signing state and idempotency shards: GET /api/health (admin token).",
			tags: TAGS,
			auth: "none",
			responses: { 200: ["Healthy"], 503: ["D1 cannot be read"] },
		}),
		async (c) => {
			try {
				await c.env.DB.prepare("SELECT 1").first();
				return c.json({ status: "healthy", time: new Date().toISOString() });
			} catch (err) {
				logLine("error", "health_check_failed", { error: String(err) });
				return c.json({ status: "degraded", error: "dependency_unavailable", message: "D1 cannot be read" }, 503);
			}
		},
	);

// The detailed view, mounted at /api/health behind the admin token (app.ts):
// two small D1 reads plus one tiny RPC per idempotency shard, so it costs
// more than /health and is for operators and tools, not load balancers.
export const healthDetailRoutes = new Hono<{ Bindings: Env }>().get(
	"/",
	documented({
		summary: "Health with counters, signing state and idempotency shards",
		tags: TAGS,
		responses: { 200: ["Healthy, or misconfigured (signing not set up)"], 503: ["D1 or the idempotency objects cannot be read"] },
	}),
	async (c) => {
		const config = configFor(c.env);
		const signing = webhookSecret(c.env) ? "enabled" : config.allowUnsigned ? "disabled (ALLOW_UNSIGNED)" : "not configured";
		try {
			const state = await readPipelineState(c.env);
			return c.json({
				status: signing === "not configured" ? "misconfigured" : "healthy",
				time: new Date().toISOString(),
				signing,
				events: {
					accepted: state.accepted,
					duplicates: state.duplicates,
					conflicts: state.conflicts,
					processed: state.processed,
					unhandled: state.unhandled,
					redelivered: state.redelivered,
					dead_lettered: state.dead_lettered,
					dead_letters_open: state.dead_letters.open,
					retried: state.retried,
					backlog: state.backlog,
				},
				idempotency: {
					shards: config.idempotencyShards,
					window_seconds: config.idempotencyTtlMs / 1000,
					live_claims: state.live_claims,
					// Since each shard object started (in memory): what the bench prices.
					rows_written: state.shard_rows_written,
				},
			});
		} catch (err) {
			return c.json({ status: "degraded", error: "dependency_unavailable", message: String(err) }, 503);
		}
	},
);

import { Hono } from "hono";
import { readPipelineState } from "../metrics/pipeline-state";
import { readConfig } from "../shared/config";
import { documented } from "../shared/describe";

// Cheap at-a-glance status: two small D1 reads plus one tiny RPC per shard.
// No secrets: only whether signing is configured.
export const healthRoutes = new Hono<{ Bindings: Env }>()
	// Liveness with no I/O at all: also the no-op baseline the bench compares
	// the ingest path against (same Worker, same runtime).
	.get("/live", documented({ summary: "Liveness, no I/O", tags: ["Health"], auth: "none", responses: { 200: ["Alive"] } }), (c) =>
		c.json({ status: "ok" }),
	)
	.get(
		"/",
		documented({
			summary: "Health and counters at a glance",
			tags: ["Health"],
			auth: "none",
			responses: { 200: ["Healthy"], 503: ["A dependency is unavailable"] },
		}),
		async (c) => {
			const config = readConfig(c.env);
			const signing = c.env.WEBHOOK_SECRET ? "enabled" : config.allowUnsigned ? "disabled (ALLOW_UNSIGNED)" : "not configured";
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
						dead_lettered: state.dead_lettered,
						dead_letters_open: state.dead_letters.open,
						retried: state.retried,
						backlog: state.backlog,
					},
					idempotency: { shards: config.idempotencyShards, window_seconds: config.idempotencyTtlMs / 1000, live_claims: state.live_claims },
				});
			} catch (err) {
				return c.json({ status: "degraded", error: "dependency_unavailable", message: String(err) }, 503);
			}
		},
	);

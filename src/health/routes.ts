import { Hono } from "hono";
import { shardCounters } from "../idempotency/client";
import { readConfig } from "../shared/config";
import { readPipelineCounters } from "./queries";

// Cheap at-a-glance status: one small D1 read plus one tiny RPC per shard.
// No secrets: only whether signing is configured.
export const healthRoutes = new Hono<{ Bindings: Env }>()
	// Liveness with no I/O at all: also the no-op baseline the bench compares
	// the ingest path against (same Worker, same runtime).
	.get("/live", (c) => c.json({ status: "ok" }))
	.get("/", async (c) => {
	const config = readConfig(c.env);
	const signing = c.env.WEBHOOK_SECRET ? "enabled" : config.allowUnsigned ? "disabled (ALLOW_UNSIGNED)" : "not configured";
	try {
		const [stored, claims] = await Promise.all([
			readPipelineCounters(c.env.DB),
			shardCounters(c.env.IDEMPOTENCY, config.idempotencyShards),
		]);
		const settled = stored.processed + stored.unhandled + stored.dead_lettered;
		return c.json({
			status: signing === "not configured" ? "misconfigured" : "healthy",
			time: new Date().toISOString(),
			signing,
			events: {
				accepted: claims.accepted,
				duplicates: claims.duplicates,
				conflicts: claims.conflicts,
				processed: stored.processed,
				unhandled: stored.unhandled,
				dead_lettered: stored.dead_lettered,
				retried: stored.retried,
				backlog: Math.max(0, claims.accepted - settled),
			},
			idempotency: { shards: config.idempotencyShards, window_seconds: config.idempotencyTtlMs / 1000, live_claims: claims.live_claims },
		});
	} catch (err) {
		return c.json({ status: "degraded", error: "dependency_unavailable", message: String(err) }, 503);
	}
});

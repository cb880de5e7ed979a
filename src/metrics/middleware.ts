import type { MiddlewareHandler } from "hono";
import { DIRECT_SOURCE, type IngestSourceVariables, SOURCE_VAR } from "../events/envelope";
import { logLine } from "../shared/log";
import { recordSample } from "./client";
import { ingestSample } from "./ingest-sample";

export interface IngestMetricsOptions {
	// Which requests count as ingest; defaults to every POST.
	counts?: (method: string, path: string) => boolean;
}

// Records each ingest answer (accepted / duplicate / rejected by reason) and
// its ack latency in the IngestMetrics objects, after the response is sent:
// the work runs in waitUntil on a clone, so the ack path never waits on it.
// The source a request counts for: what the source route resolved (a
// configured source), "direct" for our own envelope routes, and one shared
// bucket for anything else, so random paths cannot grow the counters.
export function sourceOf(path: string, resolved: string | undefined): string {
	if (resolved) return resolved;
	return /^\/webhook\/(events|batch)\/?$/.test(path) ? DIRECT_SOURCE : "(unknown)";
}

export function ingestMetrics(options: IngestMetricsOptions = {}): MiddlewareHandler<{ Bindings: Env; Variables: IngestSourceVariables }> {
	const counts = options.counts ?? ((method: string) => method === "POST");
	return async (c, next) => {
		const started = performance.now();
		await next();
		if (!counts(c.req.method, c.req.path)) return;
		const ackMs = performance.now() - started;
		const status = c.res.status;
		const copy = c.res.clone();
		const task = copy
			.json()
			.catch(() => null)
			.then((body) =>
				recordSample(c.env.INGEST_METRICS, ingestSample(status, body, ackMs, Date.now(), sourceOf(c.req.path, c.get(SOURCE_VAR)))),
			)
			.catch((err) => logLine("warn", "ingest_metrics_failed", { error: String(err) }));
		try {
			c.executionCtx.waitUntil(task);
		} catch {
			// No execution context (a bare app.request in a unit test): just let it run.
		}
	};
}

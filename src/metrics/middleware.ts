import type { MiddlewareHandler } from "hono";
import { DIRECT_SOURCE, type IngestSourceVariables, SOURCE_VAR } from "../events/envelope";
import { configFor, ENV_SCHEMA } from "../shared/config";
import { logLine } from "../shared/log";
import { recordSamples } from "./client";
import { type IngestSample, ingestSample } from "./ingest-sample";
import { SampleBuffer, type WaitUntil } from "./sample-buffer";

export interface IngestMetricsOptions {
	// Which requests count as ingest; defaults to every POST.
	counts?: (method: string, path: string) => boolean;
	// How long samples gather in the isolate before one write; defaults to
	// the METRICS_FLUSH_MS var (src/shared/config.ts).
	flushAfterMs?: (env: Env) => number;
}

// The source a request counts for: what the source route resolved (a
// configured source), "direct" for our own envelope routes, and one shared
// bucket for anything else, so random paths cannot grow the counters.
export function sourceOf(path: string, resolved: string | undefined): string {
	if (resolved) return resolved;
	return /^\/webhook\/(events|batch)\/?$/.test(path) ? DIRECT_SOURCE : "(unknown)";
}

// With invalid vars every request is refused (configGuard) before it gets
// here; the 503s are still counted, at the default interval.
const flushMsFromVars = (env: Env) => {
	try {
		return configFor(env).metricsFlushMs;
	} catch {
		return Number(ENV_SCHEMA.METRICS_FLUSH_MS.default);
	}
};

let buffer: SampleBuffer | undefined;

// Records each ingest answer (accepted / duplicate / rejected by reason, per
// source) and its ack latency, after the response is sent: samples gather in
// the isolate and reach the IngestMetrics objects in one call per interval
// (see SampleBuffer), so the ack path makes no Durable Object call for them.
export function ingestMetrics(options: IngestMetricsOptions = {}): MiddlewareHandler<{ Bindings: Env; Variables: IngestSourceVariables }> {
	const counts = options.counts ?? ((method: string) => method === "POST");
	const flushAfterMs = options.flushAfterMs ?? flushMsFromVars;
	return async (c, next) => {
		const started = performance.now();
		await next();
		if (!counts(c.req.method, c.req.path)) return;
		const ackMs = performance.now() - started;
		const status = c.res.status;
		const source = sourceOf(c.req.path, c.get(SOURCE_VAR));
		let waitUntil: WaitUntil;
		try {
			const ctx = c.executionCtx;
			waitUntil = (p) => ctx.waitUntil(p);
		} catch {
			// No execution context (a bare app.request in a unit test): just let it run.
			waitUntil = () => {};
		}
		buffer ??= new SampleBuffer(flushAfterMs(c.env));
		const pending = buffer;
		const namespace = c.env.INGEST_METRICS;
		const flush = (samples: IngestSample[]) =>
			recordSamples(namespace, samples).catch((err) =>
				logLine("warn", "ingest_metrics_failed", { samples: samples.length, error: String(err) }),
			);
		waitUntil(
			c.res
				.clone()
				.json()
				.catch(() => null)
				.then((body) => pending.add(ingestSample(status, body, ackMs, Date.now(), source), flush, waitUntil)),
		);
	};
}

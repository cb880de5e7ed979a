import type { MiddlewareHandler } from "hono";
import { logLine } from "./log";

export interface AccessLogOptions {
	// Paths not worth a line each (load balancer probes, for instance).
	skip?: (path: string) => boolean;
}

// One structured line per request: method, path, status, duration. Headers
// and bodies are never logged, so signatures, tokens and payloads stay out.
export function accessLog(options: AccessLogOptions = {}): MiddlewareHandler {
	const skip = options.skip ?? (() => false);
	return async (c, next) => {
		const started = Date.now();
		await next();
		if (skip(c.req.path)) return;
		const status = c.res.status;
		logLine(status >= 500 ? "error" : status >= 400 ? "warn" : "info", "request", {
			method: c.req.method,
			path: c.req.path,
			status,
			duration_ms: Date.now() - started,
		});
	};
}

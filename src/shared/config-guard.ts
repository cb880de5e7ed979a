import type { MiddlewareHandler } from "hono";
import { ConfigError, configFor } from "./config";
import { ApiError, retryAfter } from "./errors";
import { logLine } from "./log";

export const CONFIG_INVALID_RETRY_AFTER_SECONDS = 300;

// Refuses requests while a var does not parse (MAX_BODY_BYTES="1mb", say):
// 503 config_invalid with Retry-After naming each bad var, so senders retry
// until a fixed config is deployed, and a log line. Never a silent default.
export function configGuard(): MiddlewareHandler<{ Bindings: Env }> {
	return async (c, next) => {
		try {
			configFor(c.env);
		} catch (err) {
			if (!(err instanceof ConfigError)) throw err;
			logLine("error", "config_invalid", { path: c.req.path, issues: err.issues });
			throw new ApiError(503, {
				code: "config_invalid",
				message: `${err.message}. Fix [vars] in wrangler.toml (\`npm run doctor\` checks them) and deploy.`,
				details: { vars: err.issues.map((i) => i.var) },
				headers: retryAfter(CONFIG_INVALID_RETRY_AFTER_SECONDS),
			});
		}
		await next();
	};
}

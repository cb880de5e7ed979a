import type { MiddlewareHandler } from "hono";
import { INSECURE_SECRET_RETRY_AFTER_SECONDS, isDevSecret, isLoopbackHost } from "./dev-secrets";
import { ApiError, retryAfter } from "./errors";
import { logLine } from "./log";

export interface AdminAuthOptions {
	// Where the expected token comes from; defaults to the ADMIN_TOKEN secret.
	token?: (env: Env) => string | undefined;
}

const encoder = new TextEncoder();

// Compares digests, not the strings: equal length, constant time.
async function sameSecret(given: string, expected: string): Promise<boolean> {
	const [a, b] = await Promise.all([
		crypto.subtle.digest("SHA-256", encoder.encode(given)),
		crypto.subtle.digest("SHA-256", encoder.encode(expected)),
	]);
	return crypto.subtle.timingSafeEqual(a, b);
}

// Bearer-token guard for admin and analytics routes. With no token set the
// routes are off (503), never open; so are they, on any non-loopback host,
// while the token is the value .dev.vars.example publishes.
export function adminAuth(options: AdminAuthOptions = {}): MiddlewareHandler<{ Bindings: Env }> {
	const tokenOf = options.token ?? ((env: Env) => env.ADMIN_TOKEN);
	return async (c, next) => {
		const expected = tokenOf(c.env);
		if (!expected) {
			throw new ApiError(503, {
				code: "admin_disabled",
				message: "ADMIN_TOKEN is not set; set it with `wrangler secret put ADMIN_TOKEN` to enable this route",
				headers: retryAfter(60),
			});
		}
		if (isDevSecret(expected) && !isLoopbackHost(new URL(c.req.url).hostname)) {
			logLine("error", "insecure_secret", { path: c.req.path, vars: ["ADMIN_TOKEN"] });
			throw new ApiError(503, {
				code: "insecure_secret",
				message:
					"ADMIN_TOKEN holds the development value published in .dev.vars.example; it is honoured only on localhost. Put a real token: `wrangler secret put ADMIN_TOKEN` (or run `npm run setup`).",
				details: { vars: ["ADMIN_TOKEN"] },
				headers: retryAfter(INSECURE_SECRET_RETRY_AFTER_SECONDS),
			});
		}
		const header = c.req.header("authorization") ?? "";
		const match = /^Bearer\s+(.+)$/i.exec(header.trim());
		if (!match?.[1]) {
			c.header("WWW-Authenticate", 'Bearer realm="admin"');
			throw new ApiError(401, { code: "missing_token", message: "Send Authorization: Bearer <ADMIN_TOKEN>" });
		}
		if (!(await sameSecret(match[1], expected))) {
			c.header("WWW-Authenticate", 'Bearer realm="admin", error="invalid_token"');
			throw new ApiError(401, { code: "invalid_token", message: "The bearer token is not valid" });
		}
		await next();
	};
}

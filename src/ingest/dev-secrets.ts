import type { MiddlewareHandler } from "hono";
import { devSecretsIn, INSECURE_SECRET_RETRY_AFTER_SECONDS, isLoopbackHost } from "../shared/dev-secrets";
import { ApiError, retryAfter } from "../shared/errors";
import { logLine } from "../shared/log";
import { configuredSources, findSource } from "../sources/config";

// The secrets a webhook path is verified with: WEBHOOK_SECRET for our own
// envelope routes, the source's secretVars for /webhook/<source>, and, for a
// name no source declares (a preset reached by its kind), every var named
// <NAME>_… (STRIPE_WEBHOOK_SECRET, TWILIO_AUTH_TOKEN, DISCORD_PUBLIC_KEY: a
// published dev public key is as unsafe as a secret, its private half is
// published too). An invalid SOURCES list names nothing here: the source
// route answers that 503 itself.
export function secretVarsFor(path: string, sourcesVar: unknown, envNames: readonly string[] = []): string[] {
	const name = /^\/webhook\/([^/]+)\/?$/.exec(path)?.[1];
	if (name === undefined || name === "events" || name === "batch") return ["WEBHOOK_SECRET"];
	let declared: readonly string[] | undefined;
	try {
		declared = findSource(configuredSources(sourcesVar), name)?.secretVars;
	} catch {
		return [];
	}
	if (declared) return [...declared];
	const prefix = `${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_`;
	return envNames.filter((n) => n.startsWith(prefix));
}

export interface DevSecretGuardOptions {
	// Which secret vars a request would be verified with; default secretVarsFor.
	secretVars?: (path: string, env: Env) => string[];
}

// Refuses ingest on any non-loopback host when the secret the route verifies
// with is a value published in .dev.vars.example (anyone could sign with it):
// 503 insecure_secret with Retry-After, so senders keep retrying while the
// operator puts a real secret, plus a log line; the 503s are counted by
// reason, which is what the insecure_config alert rule watches. On localhost,
// 127.0.0.1 and [::1] (wrangler dev, the tests) the dev values work.
export function devSecretGuard(options: DevSecretGuardOptions = {}): MiddlewareHandler<{ Bindings: Env }> {
	const secretVars = options.secretVars ?? ((path: string, env: Env) => secretVarsFor(path, env.SOURCES, Object.keys(env)));
	return async (c, next) => {
		if (isLoopbackHost(new URL(c.req.url).hostname)) return next();
		const names = devSecretsIn(c.env as unknown as Record<string, unknown>, secretVars(c.req.path, c.env));
		if (names.length === 0) return next();
		logLine("error", "insecure_secret", { path: c.req.path, vars: names });
		throw new ApiError(503, {
			code: "insecure_secret",
			message: `${names.join(", ")} holds the development value published in .dev.vars.example; it is honoured only on localhost. Put a real secret: \`wrangler secret put ${names[0]}\` (or run \`npm run setup\`).`,
			details: { vars: names },
			headers: retryAfter(INSECURE_SECRET_RETRY_AFTER_SECONDS),
		});
	};
}

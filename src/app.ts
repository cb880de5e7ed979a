import { type Context, Hono } from "hono";
import { healthRoutes } from "./health/routes";
import { devSecretGuard } from "./ingest/dev-secrets";
import { webhookRoutes } from "./ingest/routes";
import { ingestMetrics } from "./metrics/middleware";
import { accessLog } from "./shared/access-log";
import { adminAuth } from "./shared/auth";
import { configGuard } from "./shared/config-guard";
import { errorResponse, retryAfterOn503 } from "./shared/errors";
import { securityHeaders } from "./shared/security-headers";

type App = Hono<{ Bindings: Env }>;

// Where the operator surface (src/operator.ts) answers. Everything else is
// health, ingest, or a 404.
const OPERATOR_PATHS = ["/api/*", "/metrics", "/openapi.json", "/docs"];

// The HTTP surface's frame: public health, ingest, and which paths the admin
// token guards (the operator surface's /api/* and /metrics; its mount points
// are in src/operator.ts). Security headers wrap everything, so 404s and
// errors carry them too.
function shell(): App {
	const app = new Hono<{ Bindings: Env }>();
	app.use(securityHeaders());
	app.use(retryAfterOn503());
	app.use(accessLog());
	app.route("/health", healthRoutes);
	app.use("/webhook/*", ingestMetrics());
	app.use("/webhook/*", configGuard());
	app.use("/webhook/*", devSecretGuard());
	app.route("/webhook", webhookRoutes);
	app.use("/api/*", adminAuth());
	app.use("/metrics", adminAuth());
	app.use("/api/*", configGuard());
	app.use("/metrics", configGuard());
	return app;
}

function withFallbacks(app: App): App {
	app.notFound((c) => c.json({ error: "not_found", message: `No route for ${c.req.method} ${c.req.path}` }, 404));
	app.onError(errorResponse);
	return app;
}

// Passed on to the operator app; Hono's context throws when a request came
// without one (app.request() in tests).
function executionCtxOf(c: Context): Context["executionCtx"] | undefined {
	try {
		return c.executionCtx;
	} catch {
		return undefined;
	}
}

// What the Worker serves: health and ingest are built with the app; the
// operator surface is imported and built on the first request for one of its
// paths (after the admin token check), then kept. Ingest never loads it.
export function createApp(): App {
	const app = shell();
	let operator: Promise<App> | undefined;
	const loadOperator = () => import("./operator").then(({ mountOperator }) => withFallbacks(mountOperator(new Hono(), documentedApp)));
	for (const path of OPERATOR_PATHS) {
		app.all(path, async (c) => {
			operator ??= loadOperator();
			return (await operator).fetch(c.req.raw, c.env, executionCtxOf(c));
		});
	}
	return withFallbacks(app);
}

// Every route mounted at once, in serving order: what the OpenAPI document
// describes (and what the tests compare it with).
export async function documentedApp(): Promise<App> {
	const { mountOperator } = await import("./operator");
	return withFallbacks(mountOperator(shell(), documentedApp));
}

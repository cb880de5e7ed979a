import { Hono } from "hono";
import { adminRoutes } from "./admin/routes";
import { healthRoutes } from "./health/routes";
import { webhookRoutes } from "./ingest/routes";
import { ingestMetrics } from "./metrics/middleware";
import { metricsRoutes } from "./metrics/routes";
import { openApiRoutes } from "./openapi/routes";
import { accessLog } from "./shared/access-log";
import { errorResponse } from "./shared/errors";

export function createApp() {
	const app = new Hono<{ Bindings: Env }>();
	app.use(accessLog());
	app.route("/health", healthRoutes);
	app.use("/webhook/*", ingestMetrics());
	app.route("/webhook", webhookRoutes);
	app.route("/api", adminRoutes);
	app.route("/metrics", metricsRoutes);
	app.route("/", openApiRoutes(app));
	app.notFound((c) => c.json({ error: "not_found", message: `No route for ${c.req.method} ${c.req.path}` }, 404));
	app.onError(errorResponse);
	return app;
}

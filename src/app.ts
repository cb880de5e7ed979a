import { Hono } from "hono";
import { adminRoutes } from "./admin/routes";
import { alertRoutes } from "./alerting/routes";
import { analyticsRoutes } from "./analytics/routes";
import { deliveryRoutes } from "./forwarding/delivery-routes";
import { destinationRoutes } from "./forwarding/destination-routes";
import { healthDetailRoutes, healthRoutes } from "./health/routes";
import { webhookRoutes } from "./ingest/routes";
import { ingestMetrics } from "./metrics/middleware";
import { metricsRoutes } from "./metrics/routes";
import { openApiRoutes } from "./openapi/routes";
import { accessLog } from "./shared/access-log";
import { adminAuth } from "./shared/auth";
import { errorResponse } from "./shared/errors";
import { securityHeaders } from "./shared/security-headers";

// The whole HTTP surface in one place: which route group lives where, and
// which ones the admin token guards (admin, detailed health, analytics and
// metrics). Security headers wrap everything, so 404s and errors carry them
// too.
export function createApp() {
	const app = new Hono<{ Bindings: Env }>();
	app.use(securityHeaders());
	app.use(accessLog());
	app.route("/health", healthRoutes);
	app.use("/webhook/*", ingestMetrics());
	app.route("/webhook", webhookRoutes);
	app.use("/api/*", adminAuth());
	app.use("/metrics", adminAuth());
	app.route("/api", adminRoutes);
	app.route("/api/health", healthDetailRoutes);
	app.route("/api/analytics", analyticsRoutes);
	app.route("/api/destinations", destinationRoutes);
	app.route("/api/deliveries", deliveryRoutes);
	app.route("/api/alerts", alertRoutes);
	app.route("/metrics", metricsRoutes);
	app.route("/", openApiRoutes(app));
	app.notFound((c) => c.json({ error: "not_found", message: `No route for ${c.req.method} ${c.req.path}` }, 404));
	app.onError(errorResponse);
	return app;
}

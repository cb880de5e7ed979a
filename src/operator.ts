import type { Hono } from "hono";
import { adminRoutes } from "./admin/routes";
import { alertRoutes } from "./alerting/routes";
import { analyticsRoutes } from "./analytics/routes";
import { deliveryRoutes } from "./forwarding/delivery-routes";
import { destinationRoutes } from "./forwarding/destination-routes";
import { healthDetailRoutes } from "./health/routes";
import { metricsRoutes } from "./metrics/routes";
import { openApiRoutes } from "./openapi/routes";

type App = Hono<{ Bindings: Env }>;

// The operator surface: admin API, detailed health, analytics, destinations,
// deliveries, alerts, Prometheus metrics and the API reference. src/app.ts
// imports this module only when a request first needs it, so an isolate
// that only ingests never builds these routes, their schemas or their docs.
// The admin token is applied by app.ts, before a request gets here.
// `documented` builds the app the OpenAPI document describes (every route).
export function mountOperator(app: App, documented: () => Promise<App>): App {
	app.route("/api", adminRoutes);
	app.route("/api/health", healthDetailRoutes);
	app.route("/api/analytics", analyticsRoutes);
	app.route("/api/destinations", destinationRoutes);
	app.route("/api/deliveries", deliveryRoutes);
	app.route("/api/alerts", alertRoutes);
	app.route("/metrics", metricsRoutes);
	app.route("/", openApiRoutes(documented));
	return app;
}

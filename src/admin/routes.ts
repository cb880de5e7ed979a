import { Hono } from "hono";
import { analyticsRoutes } from "../analytics/routes";
import { adminAuth } from "./auth";
import { deadLetterRoutes } from "./dead-letters";
import { eventsRoutes } from "./events";
import { replayRoutes } from "./replay";
import { statsRoutes } from "./stats";

// Everything under /api needs the admin bearer token.
export const adminRoutes = new Hono<{ Bindings: Env }>()
	.use(adminAuth())
	.route("/stats", statsRoutes)
	.route("/events", eventsRoutes)
	.route("/dead-letters", deadLetterRoutes)
	.route("/replay", replayRoutes)
	.route("/analytics", analyticsRoutes);

import { Hono } from "hono";
import { archiveRoutes } from "./archive";
import { replayRoutes } from "./archive-replay";
import { deadLetterRoutes } from "./dead-letters";
import { eventsRoutes } from "./events";
import { sourcesRoutes } from "./sources";
import { statsRoutes } from "./stats";

// The operator API under /api. The admin token is applied where it is
// mounted (app.ts), together with every other guarded route.
export const adminRoutes = new Hono<{ Bindings: Env }>()
	.route("/stats", statsRoutes)
	.route("/events", eventsRoutes)
	.route("/dead-letters", deadLetterRoutes)
	.route("/replay", replayRoutes)
	.route("/sources", sourcesRoutes)
	.route("/archive", archiveRoutes);

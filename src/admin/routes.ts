import { Hono } from "hono";
import { analyticsRoutes } from "../analytics/routes";
import { adminAuth } from "./auth";

// Everything under /api needs the admin bearer token.
export const adminRoutes = new Hono<{ Bindings: Env }>().use(adminAuth()).route("/analytics", analyticsRoutes);

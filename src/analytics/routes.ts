import { Hono } from "hono";

// Analytics routes, mounted under /api/analytics behind adminAuth().
export const analyticsRoutes = new Hono<{ Bindings: Env }>();

import { Hono } from "hono";
import { documented } from "../shared/describe";
import { ApiError, retryAfter } from "../shared/errors";
import { validated } from "../shared/validation";
import * as z from "../zod/mini";
import { type AlertSecrets, alertingConfig } from "./config";
import { evaluateAlerts } from "./evaluate";
import { alertHistorySchema, alertStateSchema, loadStates, recentHistory } from "./store";

// /api/alerts (admin token, applied in app.ts): what is firing, what fired
// and resolved lately, and an evaluation on demand (the cron runs one a minute).

const TAGS = ["Alerts"];

const listQuery = z.object({
	limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(500)), 50).check(z.describe("Most recent notifications to list")),
});

const listSchema = z.object({
	active: z.array(alertStateSchema).check(z.describe("Alerts firing now (including those whose resolve is pending)")),
	recent: z.array(alertHistorySchema).check(z.describe("Fired and resolved notifications, newest first")),
	channels: z.object({ slack: z.boolean(), webhook: z.boolean() }).check(z.describe("Which channels are configured")),
	problems: z.array(z.string()).check(z.describe("Configuration that could not be used")),
});

const ruleResultSchema = z.object({
	key: z.string(),
	rule: z.string(),
	status: z.enum(["firing", "ok", "no_data"]),
	value: z.nullable(z.number()),
	threshold: z.number(),
	unit: z.string(),
	summary: z.string(),
});

const reportSchema = z.object({
	evaluated_at: z.int(),
	skipped: z.null(),
	results: z.array(ruleResultSchema),
	notifications: z.array(z.object({ key: z.string(), kind: z.enum(["fired", "resolved"]), channels: z.record(z.string(), z.string()) })),
	resent: z.int(),
	problems: z.array(z.string()),
});

export const alertRoutes = new Hono<{ Bindings: Env }>()
	.get(
		"/",
		documented({ summary: "Active and recent alerts", tags: TAGS, responses: { 200: ["Alerts", listSchema] } }),
		validated("query", listQuery),
		async (c) => {
			const config = alertingConfig(c.env as Env & AlertSecrets);
			const [states, recent] = await Promise.all([loadStates(c.env.DB), recentHistory(c.env.DB, c.req.valid("query").limit)]);
			const active = Object.values(states)
				.filter((s) => s.status === "firing")
				.sort((a, b) => (b.fired_at ?? 0) - (a.fired_at ?? 0));
			const on = (id: string) => config.channels.some((ch) => ch.id === id);
			return c.json({ active, recent, channels: { slack: on("slack"), webhook: on("webhook") }, problems: config.problems });
		},
	)
	.post(
		"/evaluate",
		documented({
			summary: "Evaluate the alert rules now",
			description: "Takes a metrics sample, evaluates every rule over the stored history, and sends what fired or resolved.",
			tags: TAGS,
			responses: { 200: ["What the rules found and what was sent", reportSchema], 409: ["Another evaluation is running"] },
		}),
		async (c) => {
			const report = await evaluateAlerts(c.env, Date.now());
			if (report.skipped)
				throw new ApiError(409, {
					code: "evaluation_in_progress",
					message: "Another evaluation is running; retry in a moment",
					headers: retryAfter(2),
				});
			return c.json(report);
		},
	);

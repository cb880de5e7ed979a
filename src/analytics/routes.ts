import { Hono } from "hono";
import { documented } from "../shared/describe";
import { validated } from "../shared/validation";
import { funnelQuery, rangeQuery, usageQuery } from "./params";
import { shapeFunnel } from "./queries/funnel";
import { shapeMrr } from "./queries/mrr";
import { shapePayments } from "./queries/payments";
import { shapeSignups } from "./queries/signups";
import { shapeUsage } from "./queries/usage";
import { readFunnel, readMrr, readPayments, readSignups, readUsage } from "./read";
import { funnelSchema, mrrSchema, paymentsSchema, signupsSchema, usageSchema } from "./schemas";

const TAGS = ["Analytics"];

// Analytics routes, mounted under /api/analytics behind adminAuth(). Each
// takes from, to (ISO 8601) and interval=hour|day|week; a bad one → 400
// naming the parameter. SQL lives in ./queries, reads in ./read; these only
// validate and shape.
export const analyticsRoutes = new Hono<{ Bindings: Env }>()
	.get(
		"/signups",
		documented({
			summary: "Signups per interval, by source and plan",
			description: "Users are counted once, at their first user_signup event.",
			tags: TAGS,
			responses: { 200: ["Signups series", signupsSchema] },
		}),
		validated("query", rangeQuery),
		async (c) => {
			const query = c.req.valid("query");
			return c.json(shapeSignups(query.range, await readSignups(c.env.DB, query)));
		},
	)
	.get(
		"/mrr",
		documented({
			summary: "Monthly recurring revenue over time, by plan and currency",
			description:
				"Replays every subscription event: each bucket shows the MRR at its end. Yearly plans count as amount ÷ 12; only active and past_due subscriptions earn.",
			tags: TAGS,
			responses: { 200: ["MRR series", mrrSchema] },
		}),
		validated("query", rangeQuery),
		async (c) => {
			const query = c.req.valid("query");
			return c.json(shapeMrr(query.range, await readMrr(c.env.DB, query)));
		},
	)
	.get(
		"/usage",
		documented({
			summary: "Usage quantity per feature per interval, and top users",
			tags: TAGS,
			responses: { 200: ["Usage series", usageSchema] },
		}),
		validated("query", usageQuery),
		async (c) => {
			const query = c.req.valid("query");
			const { rows, top } = await readUsage(c.env.DB, query);
			return c.json(shapeUsage(query, rows, top));
		},
	)
	.get(
		"/payments",
		documented({
			summary: "Failed payments per interval, by currency",
			description: "Counts and sums payment_failed events (Stripe's invoice.payment_failed maps there), in major units per currency.",
			tags: TAGS,
			responses: { 200: ["Failed payments series", paymentsSchema] },
		}),
		validated("query", rangeQuery),
		async (c) => {
			const query = c.req.valid("query");
			return c.json(shapePayments(query.range, await readPayments(c.env.DB, query)));
		},
	)
	.get(
		"/funnel",
		documented({
			summary: "Signed up → subscribed within N days, per signup cohort",
			tags: TAGS,
			responses: { 200: ["Funnel series", funnelSchema] },
		}),
		validated("query", funnelQuery),
		async (c) => {
			const query = c.req.valid("query");
			return c.json(shapeFunnel(query, await readFunnel(c.env.DB, query), Date.now()));
		},
	);

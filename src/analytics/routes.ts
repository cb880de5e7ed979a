import { Hono } from "hono";
import { documented } from "../shared/describe";
import { validated } from "../shared/validation";
import { funnelQuery, rangeQuery, usageQuery } from "./params";
import { type FunnelRow, funnelStatement, shapeFunnel } from "./queries/funnel";
import { type MrrDeltaRow, mrrChangesStatement, mrrOpeningStatement, shapeMrr } from "./queries/mrr";
import { type PaymentRow, paymentsStatement, shapePayments } from "./queries/payments";
import { type SignupRow, shapeSignups, signupsStatement } from "./queries/signups";
import type { AnalyticsStatement } from "./queries/statement";
import { shapeUsage, type TopUserRow, topUsersStatement, type UsageRow, usageStatement } from "./queries/usage";
import { funnelSchema, mrrSchema, paymentsSchema, signupsSchema, usageSchema } from "./schemas";

const TAGS = ["Analytics"];

function prepare<Q>(db: D1Database, statement: AnalyticsStatement<Q>, query: Q): D1PreparedStatement {
	return db.prepare(statement.sql).bind(...statement.binds(query));
}

// Analytics routes, mounted under /api/analytics behind adminAuth(). Each
// takes from, to (ISO 8601) and interval=hour|day|week; a bad one → 400
// naming the parameter. SQL lives in ./queries; these only bind and shape.
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
			const { results } = await prepare(c.env.DB, signupsStatement, query).all<SignupRow>();
			return c.json(shapeSignups(query.range, results));
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
			const db = c.env.DB;
			const [opening, changes] = await db.batch<MrrDeltaRow>([
				prepare(db, mrrOpeningStatement, query),
				prepare(db, mrrChangesStatement, query),
			]);
			return c.json(shapeMrr(query.range, [...(opening?.results ?? []), ...(changes?.results ?? [])]));
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
			const db = c.env.DB;
			const [perBucket, top] = await db.batch<UsageRow | TopUserRow>([
				prepare(db, usageStatement, query),
				prepare(db, topUsersStatement, query),
			]);
			return c.json(shapeUsage(query, (perBucket?.results ?? []) as UsageRow[], (top?.results ?? []) as TopUserRow[]));
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
			const { results } = await prepare(c.env.DB, paymentsStatement, query).all<PaymentRow>();
			return c.json(shapePayments(query.range, results));
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
			const { results } = await prepare(c.env.DB, funnelStatement, query).all<FunnelRow>();
			return c.json(shapeFunnel(query, results, Date.now()));
		},
	);

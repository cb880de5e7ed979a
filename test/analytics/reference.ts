import { env } from "cloudflare:workers";
import { bucketSql, rangeBinds, type TimeRange } from "../../src/analytics/buckets";
import { funnelQuery, usageQuery } from "../../src/analytics/params";
import type { AnyAnalyticsQuery } from "../../src/analytics/queries";
import { type FunnelRow, shapeFunnel } from "../../src/analytics/queries/funnel";
import { type MrrDeltaRow, shapeMrr } from "../../src/analytics/queries/mrr";
import { type PaymentRow, shapePayments } from "../../src/analytics/queries/payments";
import { type SignupRow, shapeSignups } from "../../src/analytics/queries/signups";
import { shapeUsage, type UsageRow } from "../../src/analytics/queries/usage";

// The oracle: every route's answer straight from the base tables, the way the
// routes answered before the rollups (migrations/0007_rollups.sql), and MRR
// replayed from subscription_changes itself rather than from the trigger-kept
// ledger. Shaped by the routes' own shape functions, so only the reading
// differs.

const EARNING = "status IN ('active', 'past_due')";

// The ledger as 0003's backfill builds it: each earning change starts at its
// time and ends where the subscription's next change (occurred_at, event_id) starts.
const LEDGER = `WITH ledger AS (
	SELECT occurred_at AS at, plan, currency, monthly_amount AS mrr, 1 AS subscriptions FROM subscription_changes WHERE ${EARNING}
	UNION ALL
	SELECT ended_at, plan, currency, -monthly_amount, -1 FROM (
		SELECT *, lead(occurred_at) OVER (PARTITION BY subscription_id ORDER BY occurred_at, event_id) AS ended_at FROM subscription_changes
	) WHERE ${EARNING} AND ended_at IS NOT NULL
)`;

const SQL = {
	signups: `SELECT ${bucketSql("signed_up_at")} AS bucket, source, plan, count(*) AS signups
		FROM users WHERE signed_up_at >= ?1 AND signed_up_at < ?2 GROUP BY 1, 2, 3`,
	mrr: `${LEDGER}
		SELECT NULL AS bucket, plan, currency, sum(mrr) AS mrr, sum(subscriptions) AS subscriptions FROM ledger WHERE at < ?1 GROUP BY 2, 3
		UNION ALL
		SELECT ${bucketSql("at")}, plan, currency, sum(mrr), sum(subscriptions) FROM ledger WHERE at >= ?1 AND at < ?2 GROUP BY 1, 2, 3`,
	usage: `SELECT ${bucketSql("occurred_at")} AS bucket, feature, sum(quantity) AS quantity, count(*) AS events
		FROM usage_records WHERE occurred_at >= ?1 AND occurred_at < ?2 AND (?5 IS NULL OR feature = ?5) GROUP BY 1, 2`,
	top: `SELECT user_id, sum(quantity) AS quantity, count(*) AS events FROM usage_records
		WHERE user_id IS NOT NULL AND occurred_at >= ?1 AND occurred_at < ?2 AND (?5 IS NULL OR feature = ?5)
		GROUP BY user_id ORDER BY quantity DESC, user_id LIMIT ?6`,
	funnel: `SELECT ${bucketSql("u.signed_up_at")} AS bucket, count(*) AS signed_up, sum(EXISTS (
			SELECT 1 FROM subscription_changes s WHERE s.user_id = u.user_id AND s.occurred_at >= u.signed_up_at AND s.occurred_at < u.signed_up_at + ?5
		)) AS subscribed FROM users u WHERE u.signed_up_at >= ?1 AND u.signed_up_at < ?2 GROUP BY 1`,
	payments: `SELECT ${bucketSql("occurred_at")} AS bucket, currency, count(*) AS failures, sum(amount) AS amount
		FROM payment_failures WHERE occurred_at >= ?1 AND occurred_at < ?2 GROUP BY 1, 2`,
};

async function rows<T>(sql: string, ...binds: unknown[]): Promise<T[]> {
	return (
		await env.DB.prepare(sql)
			.bind(...binds)
			.all<T>()
	).results;
}

export type Route = "signups" | "mrr" | "usage" | "funnel" | "payments";
export const ROUTES: readonly Route[] = ["signups", "mrr", "usage", "funnel", "payments"];

// What GET /api/analytics/<route>?<search> should answer.
export async function referenceAnswer(route: Route, search: string, now: number): Promise<unknown> {
	const params = Object.fromEntries(new URLSearchParams(search));
	const q: AnyAnalyticsQuery = { ...funnelQuery.parse(params), ...usageQuery.parse(params) };
	const r: TimeRange = q.range;
	switch (route) {
		case "signups":
			return shapeSignups(r, await rows<SignupRow>(SQL.signups, ...rangeBinds(r)));
		case "mrr":
			return shapeMrr(r, await rows<MrrDeltaRow>(SQL.mrr, ...rangeBinds(r)));
		case "usage": {
			const series = await rows<UsageRow>(SQL.usage, ...rangeBinds(r), q.feature ?? null);
			const top = await rows<{ user_id: string; quantity: number; events: number }>(SQL.top, ...rangeBinds(r), q.feature ?? null, q.top);
			return shapeUsage(q, series, top);
		}
		case "funnel":
			return shapeFunnel(q, await rows<FunnelRow>(SQL.funnel, ...rangeBinds(r), q.days * 86_400_000), now);
		case "payments":
			return shapePayments(r, await rows<PaymentRow>(SQL.payments, ...rangeBinds(r)));
	}
}

// Float sums in another order may differ in the last bits: compare numbers
// to 9 decimals (money is rounded to cents in both anyway).
export function rounded(value: unknown): unknown {
	return JSON.parse(JSON.stringify(value), (_key, v) => (typeof v === "number" ? Math.round(v * 1e9) / 1e9 : v));
}

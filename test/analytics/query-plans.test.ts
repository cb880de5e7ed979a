import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { funnelQuery, usageQuery } from "../../src/analytics/params";
import { type AnyAnalyticsQuery, analyticsStatements } from "../../src/analytics/queries";

// Mid-day edges, so every statement has both whole days and partial ones.
const window = { from: "2030-01-01T10:00:00Z", to: "2030-02-01T05:00:00Z", interval: "day" };
const query: AnyAnalyticsQuery = { ...funnelQuery.parse(window), ...usageQuery.parse({ ...window, feature: "api_calls" }) };

const wholeDays = (table: string) => new RegExp(`^SEARCH ${table} USING PRIMARY KEY \\(day>\\? AND day<\\?\\)`, "m");
// The partial days at both edges: two ranges of one covering index, read
// one after the other (UNION ALL), never the table's rows.
const edges = (table: string, index: string, column: string) => {
	const range = `SEARCH ${table} USING COVERING INDEX ${index} \\(${column}>\\? AND ${column}<\\?\\)`;
	return new RegExp(`COMPOUND QUERY\\nLEFT-MOST SUBQUERY\\n${range}\\n(?:.*\\n)*?UNION ALL\\n${range}`);
};

// The index each statement must read (migrations/0003_analytics.sql, 0007_rollups.sql).
const expected: Record<string, RegExp[]> = {
	signups_daily: [wholeDays("signups_daily")],
	signups_hours: [wholeDays("signups_daily")],
	signups_edges: [edges("users", "users_signup_cover", "signed_up_at")],
	mrr_opening: [
		/SEARCH mrr_daily USING PRIMARY KEY \(day<\?\)/,
		/SEARCH mrr_ledger USING COVERING INDEX mrr_ledger_time \(at>\? AND at<\?\)/,
	],
	mrr_daily: [wholeDays("mrr_daily")],
	mrr_hours: [wholeDays("mrr_daily")],
	mrr_edges: [edges("mrr_ledger", "mrr_ledger_time", "at")],
	usage_daily: [wholeDays("usage_daily")],
	usage_hours: [wholeDays("usage_daily")],
	usage_edges: [edges("usage_records", "usage_time_cover", "occurred_at")],
	// Each period's ranking read from its top, each candidate by key.
	usage_top_candidates: [
		/SEARCH r USING COVERING INDEX usage_user_periods_rank \(period=\?\)/,
		/SEARCH r USING COVERING INDEX usage_user_periods_rank \(period=\? AND quantity>\?\)/,
		/SEARCH usage_user_periods USING PRIMARY KEY \(user_id=\? AND period>\? AND period<\?\)/,
		/SEARCH usage_records USING COVERING INDEX usage_user_cover \(user_id=\? AND occurred_at>\? AND occurred_at<\?\)/,
	],
	usage_top_users: [/(SCAN|SEARCH) usage_records USING COVERING INDEX usage_user_cover/],
	usage_top_users_by_time: [/SEARCH usage_records USING INDEX usage_time_cover \(occurred_at>\? AND occurred_at<\?\)/],
	funnel_daily: [wholeDays("funnel_daily")],
	funnel_hours: [wholeDays("funnel_daily")],
	funnel_edges: [
		edges("users", "users_signup_cover", "signed_up_at"),
		/SEARCH s USING COVERING INDEX subscription_changes_user_time \(user_id=\? AND occurred_at>\? AND occurred_at<\?\)/,
	],
	payments_daily: [wholeDays("payments_daily")],
	payments_hours: [wholeDays("payments_daily")],
	payments_edges: [edges("payment_failures", "payment_failures_cover", "occurred_at")],
};

async function plan(sql: string, binds: unknown[]): Promise<string> {
	const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
		.bind(...binds)
		.all<{ detail: string }>();
	return results.map((r) => r.detail).join("\n");
}

describe("analytics query plans", () => {
	it("name an expected plan for every statement", () => {
		expect(Object.keys(expected).sort()).toEqual(analyticsStatements.map((s) => s.name).sort());
	});

	it.each(analyticsStatements.map((s) => [s.name, s] as const))("%s reads its index, never a table scan", async (name, statement) => {
		const detail = await plan(statement.sql, statement.binds(query));
		for (const pattern of expected[name] ?? []) expect(detail).toMatch(pattern);
		// A bare "SCAN <table>" (no index) would read every row.
		expect(detail).not.toMatch(
			/^SCAN (users|u|usage_records|subscription_changes|s|mrr_ledger|payment_failures|\w+_daily|usage_user_periods|r)$/m,
		);
	});
});

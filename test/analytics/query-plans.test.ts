import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { funnelQuery, usageQuery } from "../../src/analytics/params";
import { type AnyAnalyticsQuery, analyticsStatements } from "../../src/analytics/queries";

const window = { from: "2030-01-01", to: "2030-02-01", interval: "day" };
const query: AnyAnalyticsQuery = { ...funnelQuery.parse(window), ...usageQuery.parse({ ...window, feature: "api_calls" }) };

// The index each statement must read (see migrations/0003_analytics.sql).
const expected: Record<string, RegExp> = {
	signups: /SEARCH users USING COVERING INDEX users_signup_cover \(signed_up_at>\? AND signed_up_at<\?\)/,
	// One ordered pass over the ledger's (plan, currency, at) index: no sort.
	mrr_opening: /^SCAN mrr_ledger USING COVERING INDEX mrr_ledger_key$/,
	mrr_changes: /SEARCH mrr_ledger USING COVERING INDEX mrr_ledger_time \(at>\? AND at<\?\)/,
	usage:
		/SEARCH usage_hourly USING PRIMARY KEY \(hour>\? AND hour<\?\)[\s\S]*(SEARCH|MULTI-INDEX OR)[\s\S]*usage_records[\s\S]*usage_time_cover/,
	payments: /SEARCH payment_failures USING COVERING INDEX payment_failures_cover \(occurred_at>\? AND occurred_at<\?\)/,
	usage_top_users: /SCAN usage_records USING COVERING INDEX usage_user_cover|SEARCH usage_records USING COVERING INDEX usage_user_cover/,
	funnel:
		/SEARCH u USING COVERING INDEX users_signup_cover[\s\S]*SEARCH s USING COVERING INDEX subscription_changes_user_time \(user_id=\? AND occurred_at>\? AND occurred_at<\?\)/,
};

async function plan(sql: string, binds: unknown[]): Promise<string> {
	const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
		.bind(...binds)
		.all<{ detail: string }>();
	return results.map((r) => r.detail).join("\n");
}

describe("analytics query plans", () => {
	it.each(analyticsStatements.map((s) => [s.name, s] as const))(
		"%s reads its covering index, never a table scan",
		async (name, statement) => {
			const detail = await plan(statement.sql, statement.binds(query));
			expect(detail).toMatch(expected[name]!);
			// A bare "SCAN <table>" (no index) would read every row.
			expect(detail).not.toMatch(/^SCAN (users|u|usage_records|usage_hourly|subscription_changes|s|mrr_ledger|payment_failures)$/m);
		},
	);
});

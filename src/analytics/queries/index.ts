import type { FunnelQuery, UsageQuery } from "../params";
import { funnelStatement } from "./funnel";
import { mrrChangesStatement, mrrOpeningStatement } from "./mrr";
import { paymentsStatement } from "./payments";
import { signupsStatement } from "./signups";
import type { AnalyticsStatement } from "./statement";
import { topUsersStatement, usageStatement } from "./usage";

// A query with every route's parameters, so one value can bind them all.
export type AnyAnalyticsQuery = UsageQuery & FunnelQuery;

// Every analytics statement, for the query-plan test and the 1M-row bench.
export const analyticsStatements: readonly AnalyticsStatement<AnyAnalyticsQuery>[] = [
	signupsStatement,
	mrrOpeningStatement,
	mrrChangesStatement,
	usageStatement,
	topUsersStatement,
	funnelStatement,
	paymentsStatement,
];

import type { FunnelQuery, UsageQuery } from "../params";
import { funnelDailyStatement, funnelEdgesStatement, funnelHoursStatement, funnelReads } from "./funnel";
import { mrrDailyStatement, mrrEdgesStatement, mrrHoursStatement, mrrOpeningStatement, mrrReads } from "./mrr";
import { paymentsDailyStatement, paymentsEdgesStatement, paymentsHoursStatement, paymentsReads } from "./payments";
import { signupsDailyStatement, signupsEdgesStatement, signupsHoursStatement, signupsReads } from "./signups";
import type { AnalyticsStatement } from "./statement";
import { topCandidatesStatement, topUsersByTimeStatement, topUsersStatement } from "./top-users";
import { usageDailyStatement, usageEdgesStatement, usageHoursStatement, usageReads } from "./usage";

// A query with every route's parameters, so one value can bind them all.
export type AnyAnalyticsQuery = UsageQuery & FunnelQuery;

// Every analytics statement, for the query-plan test and the 1M-row bench.
export const analyticsStatements: readonly AnalyticsStatement<AnyAnalyticsQuery>[] = [
	signupsDailyStatement,
	signupsHoursStatement,
	signupsEdgesStatement,
	mrrOpeningStatement,
	mrrDailyStatement,
	mrrHoursStatement,
	mrrEdgesStatement,
	usageDailyStatement,
	usageHoursStatement,
	usageEdgesStatement,
	topCandidatesStatement,
	topUsersStatement,
	topUsersByTimeStatement,
	funnelDailyStatement,
	funnelHoursStatement,
	funnelEdgesStatement,
	paymentsDailyStatement,
	paymentsHoursStatement,
	paymentsEdgesStatement,
];

// The statements each route runs for a query, in one batch (usage may add
// a fallback scan: see ./top-users.ts).
export const routeReads: Record<string, (q: AnyAnalyticsQuery) => readonly AnalyticsStatement<AnyAnalyticsQuery>[]> = {
	signups: signupsReads,
	mrr: mrrReads,
	usage: usageReads,
	funnel: funnelReads,
	payments: paymentsReads,
};

import type { FunnelQuery, RangeQuery, UsageQuery } from "./params";
import { type FunnelRow, funnelReads, funnelRows } from "./queries/funnel";
import { type MrrDeltaRow, mrrReads, mrrRows } from "./queries/mrr";
import { type PaymentRow, paymentRows, paymentsReads } from "./queries/payments";
import { type SignupRow, signupRows, signupsReads } from "./queries/signups";
import type { AnalyticsStatement } from "./queries/statement";
import { provenTopUsers, type TopUserRow, topFallbackFor } from "./queries/top-users";
import { type UsageRow, usageReads, usageRows } from "./queries/usage";

// Each route's reads: its statements bound to the query and sent as one D1
// batch (one round trip), the answers turned into the rows its shape takes.
// SQL lives in ./queries.

async function batch<Q>(db: D1Database, statements: readonly AnalyticsStatement<Q>[], query: Q): Promise<unknown[][]> {
	const results = await db.batch(statements.map((s) => db.prepare(s.sql).bind(...s.binds(query))));
	return results.map((r) => r.results ?? []);
}

export const readSignups = async (db: D1Database, q: RangeQuery): Promise<SignupRow[]> =>
	signupRows(q, await batch(db, signupsReads(q), q));

export const readMrr = async (db: D1Database, q: RangeQuery): Promise<MrrDeltaRow[]> => mrrRows(q, await batch(db, mrrReads(q), q));

export const readFunnel = async (db: D1Database, q: FunnelQuery): Promise<FunnelRow[]> => funnelRows(q, await batch(db, funnelReads(q), q));

export const readPayments = async (db: D1Database, q: RangeQuery): Promise<PaymentRow[]> =>
	paymentRows(q, await batch(db, paymentsReads(q), q));

// The top users come from their candidates when those prove them, else from
// a second round trip that scans usage_records.
export async function readUsage(db: D1Database, q: UsageQuery): Promise<{ rows: UsageRow[]; top: TopUserRow[] }> {
	const [rollup = [], edges = [], candidates = []] = await batch(db, usageReads(q), q);
	const proven = provenTopUsers(candidates, q.top);
	const top = proven ?? ((await batch(db, [topFallbackFor(q)], q))[0] as TopUserRow[]);
	return { rows: usageRows(q, [rollup, edges]), top };
}

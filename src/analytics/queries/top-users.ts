import { DAY_MS } from "../buckets";
import type { UsageQuery } from "../params";
import type { AnalyticsStatement } from "./statement";

// Top users by quantity in a window, exactly, without summing every user.
//
// usage_user_periods (migrations/0007_rollups.sql) holds each user's usage per
// 28-day period, ranked within the period. In each period p the window
// touches, tau(p) is the M-th largest total; the candidates are every user
// above tau(p) in some p (everyone in a period with fewer than M users).
// Their totals are exact: whole periods from the rollup, the rest of the
// window from usage_records. Any other user has at most tau(p) in each period
// (quantities are never negative), so at most bound = sum of tau(p) in the
// window. When the top-th candidate has more than bound, no other user can
// reach the list, ties included: it is the exact answer; so it is when no
// period had M users (bound NULL: the candidates are everyone). Otherwise
// (flat usage, or a window too short for period totals to tell users apart)
// the route answers from a scan of usage_records instead.

export const PERIOD_MS = 28 * DAY_MS;

// How deep each period's ranking is read: deeper proves more windows but
// costs more candidates.
export const depthFor = (top: number) => Math.max(64, 4 * top);

// One row (user_id NULL) carries the bound (NULL if no period had M users),
// the others are the candidates' exact totals, largest first, at most ?11 of them. ?7..?8 the periods the
// window touches, ?3..?4 the whole ones inside it (?5..?6 in ms), ?9 the
// depth minus one, ?10 the feature filter (no whole periods then: the rollup
// has no feature).
export const topCandidatesStatement: AnalyticsStatement<UsageQuery> = {
	name: "usage_top_candidates",
	sql: `WITH RECURSIVE periods(period) AS (
	SELECT ?7 UNION ALL SELECT period + 1 FROM periods WHERE period < ?8
),
cut AS (
	SELECT period, (
		SELECT quantity FROM usage_user_periods r WHERE r.period = periods.period ORDER BY quantity DESC LIMIT 1 OFFSET ?9
	) AS tau
	FROM periods
),
candidates AS (
	SELECT DISTINCT r.user_id FROM cut JOIN usage_user_periods r ON r.period = cut.period AND r.quantity > coalesce(cut.tau, -1)
),
whole AS (
	SELECT user_id, sum(quantity) AS quantity, sum(events) AS events FROM usage_user_periods
	WHERE user_id IN (SELECT user_id FROM candidates) AND period >= ?3 AND period < ?4
	GROUP BY user_id
),
edges AS (
	SELECT user_id, sum(quantity) AS quantity, count(*) AS events FROM (
		SELECT user_id, quantity FROM usage_records INDEXED BY usage_user_cover
		WHERE user_id IN (SELECT user_id FROM candidates) AND occurred_at >= ?1 AND occurred_at < min(?5, ?2) AND (?10 IS NULL OR feature = ?10)
		UNION ALL
		SELECT user_id, quantity FROM usage_records INDEXED BY usage_user_cover
		WHERE user_id IN (SELECT user_id FROM candidates) AND occurred_at >= max(?6, ?1) AND occurred_at < ?2 AND (?10 IS NULL OR feature = ?10)
	)
	GROUP BY user_id
)
SELECT NULL AS user_id, NULL AS quantity, NULL AS events, (SELECT sum(max(tau, 0)) FROM cut) AS bound
UNION ALL
SELECT * FROM (
	SELECT c.user_id, coalesce(w.quantity, 0) + coalesce(e.quantity, 0), coalesce(w.events, 0) + coalesce(e.events, 0), NULL
	FROM candidates c LEFT JOIN whole w ON w.user_id = c.user_id LEFT JOIN edges e ON e.user_id = c.user_id
	WHERE coalesce(w.events, 0) + coalesce(e.events, 0) > 0
	ORDER BY 2 DESC, 1
	LIMIT ?11
)`,
	binds: (q) => {
		const { from, to } = q.range;
		const first = Math.floor(from / PERIOD_MS);
		const last = Math.floor((to - 1) / PERIOD_MS);
		const wholeFirst = q.feature === undefined ? Math.ceil(from / PERIOD_MS) : first;
		const wholeEnd = q.feature === undefined ? Math.max(wholeFirst, Math.floor(to / PERIOD_MS)) : first;
		const [start, end] = q.feature === undefined ? [wholeFirst * PERIOD_MS, wholeEnd * PERIOD_MS] : [from, from];
		return [from, to, wholeFirst, wholeEnd, start, end, first, last, depthFor(q.top) - 1, q.feature ?? null, q.top];
	},
};

// The scans the route falls back to. One ordered pass over usage_user_cover
// (every usage row, whatever the window): per-user sums need no sort of the
// window's rows, only of the users for the ranking.
export const topUsersStatement: AnalyticsStatement<UsageQuery> = {
	name: "usage_top_users",
	sql: `SELECT user_id, sum(quantity) AS quantity, count(*) AS events
FROM usage_records INDEXED BY usage_user_cover
WHERE user_id IS NOT NULL AND occurred_at >= ?1 AND occurred_at < ?2 AND (?3 IS NULL OR feature = ?3)
GROUP BY user_id
ORDER BY quantity DESC, user_id
LIMIT ?4`,
	binds: (q) => [q.range.from, q.range.to, q.feature ?? null, q.top],
};

// For short windows, only the window's rows (usage_time_cover, then the row
// for its user).
export const topUsersByTimeStatement: AnalyticsStatement<UsageQuery> = {
	name: "usage_top_users_by_time",
	sql: `SELECT user_id, sum(quantity) AS quantity, count(*) AS events
FROM usage_records INDEXED BY usage_time_cover
WHERE occurred_at >= ?1 AND occurred_at < ?2 AND user_id IS NOT NULL AND (?3 IS NULL OR feature = ?3)
GROUP BY user_id
ORDER BY quantity DESC, user_id
LIMIT ?4`,
	binds: topUsersStatement.binds,
};

// Up to this long a window, the fallback reads only the window's rows.
export const SHORT_WINDOW_MS = 7 * DAY_MS;

export const topFallbackFor = (q: UsageQuery) =>
	q.range.to - q.range.from <= SHORT_WINDOW_MS ? topUsersByTimeStatement : topUsersStatement;

export interface TopUserRow {
	user_id: string;
	quantity: number;
	events: number;
}

interface CandidateRow {
	user_id: string | null;
	quantity: number | null;
	events: number | null;
	bound: number | null;
}

// The top users if the candidates prove them (see above), else null.
export function provenTopUsers(rows: readonly unknown[], top: number): TopUserRow[] | null {
	const all = rows as CandidateRow[];
	const bound = all.find((r) => r.user_id === null)?.bound ?? null;
	const ranked = all.flatMap(({ user_id, quantity, events }) =>
		user_id === null ? [] : [{ user_id, quantity: Number(quantity), events: Number(events) }],
	);
	const last = ranked[top - 1];
	if (bound === null || (last !== undefined && last.quantity > Number(bound))) return ranked;
	return null;
}

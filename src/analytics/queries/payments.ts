import type * as z from "../../zod/mini";
import { bucketSql, cents, edgeRows, emptySeries, iso, splitBinds, type TimeRange } from "../buckets";
import type { RangeQuery } from "../params";
import type { paymentsSchema } from "../schemas";
import { type AnalyticsStatement, hoursOf, windowOf } from "./statement";

// Failed payments per (bucket, currency): whole UTC days from payments_daily
// (kept by triggers, migrations/0007_rollups.sql), the partial days at the
// window's edges from the covering index payment_failures_cover. Amounts in
// different currencies are never added.
export const paymentsDailyStatement: AnalyticsStatement<RangeQuery> = {
	name: "payments_daily",
	sql: `SELECT ${bucketSql("day")} AS bucket, currency, sum(failures) AS failures, sum(amount) AS amount
FROM payments_daily
WHERE day >= ?5 AND day < ?6
GROUP BY 1, 2
HAVING sum(failures) > 0`,
	binds: (q) => splitBinds(q.range),
};

// Hour buckets: each whole day's row with its per-hour sums.
export const paymentsHoursStatement: AnalyticsStatement<RangeQuery> = {
	name: "payments_hours",
	sql: `SELECT day, currency, hour_failures, hour_amount
FROM payments_daily
WHERE day >= ?5 AND day < ?6 AND failures > 0`,
	binds: (q) => splitBinds(q.range),
};

export const paymentsEdgesStatement: AnalyticsStatement<RangeQuery> = {
	name: "payments_edges",
	sql: `SELECT ${bucketSql("occurred_at")} AS bucket, currency, count(*) AS failures, sum(amount) AS amount
FROM ${edgeRows("payment_failures", "occurred_at", "occurred_at, currency, amount")}
GROUP BY 1, 2`,
	binds: (q) => splitBinds(q.range),
};

// What GET /payments reads: the rollup, then the edges.
export const paymentsReads = (q: RangeQuery) => [
	q.range.interval === "hour" ? paymentsHoursStatement : paymentsDailyStatement,
	paymentsEdgesStatement,
];

export interface PaymentRow {
	bucket: number;
	currency: string;
	failures: number;
	amount: number;
}

interface PaymentHoursRow {
	day: number;
	currency: string;
	hour_failures: string;
	hour_amount: string;
}

// The rows paymentsReads answered, as PaymentRows.
export function paymentRows(q: RangeQuery, [rollup = [], edges = []]: unknown[][]): PaymentRow[] {
	if (q.range.interval !== "hour") return [...(rollup as PaymentRow[]), ...(edges as PaymentRow[])];
	const hours = (rollup as PaymentHoursRow[]).flatMap((row) =>
		hoursOf(row.day, row.hour_failures, row.hour_amount)
			.filter(({ values: [failures] }) => failures !== 0)
			.map(({ at, values: [failures = 0, amount = 0] }) => ({ bucket: at, currency: row.currency, failures, amount })),
	);
	return [...hours, ...(edges as PaymentRow[])];
}

type Totals = { failures: number; amount: number };

// Currency codes are validated ISO 4217 letters, but a Map keeps the totals
// right whatever a key is called.
function addTo(totals: Map<string, Totals>, currency: string, failures: number, amount: number): void {
	const total = totals.get(currency) ?? { failures: 0, amount: 0 };
	total.failures += failures;
	total.amount = cents(total.amount + amount);
	totals.set(currency, total);
}

const record = (totals: Map<string, Totals>) => Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b)));

export function shapePayments(range: TimeRange, rows: readonly PaymentRow[]): z.infer<typeof paymentsSchema> {
	const series = emptySeries(range, () => new Map<string, Totals>());
	const overall = new Map<string, Totals>();
	let failures = 0;
	for (const row of rows) {
		const point = series.get(Number(row.bucket));
		if (!point) continue;
		const n = Number(row.failures);
		const amount = Number(row.amount);
		failures += n;
		addTo(point, row.currency, n, amount);
		addTo(overall, row.currency, n, amount);
	}
	return {
		...windowOf(range),
		failures,
		by_currency: record(overall),
		series: [...series].map(([bucket, point]) => ({
			bucket: iso(bucket),
			failures: [...point.values()].reduce((sum, t) => sum + t.failures, 0),
			by_currency: record(point),
		})),
	};
}

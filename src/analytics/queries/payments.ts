import type * as z from "../../zod/mini";
import { bucketSql, cents, emptySeries, iso, rangeBinds, type TimeRange } from "../buckets";
import type { RangeQuery } from "../params";
import type { paymentsSchema } from "../schemas";
import { type AnalyticsStatement, windowOf } from "./statement";

// Failed payments per (bucket, currency), read from the covering index
// payment_failures_cover: amounts in different currencies are never added.
export const paymentsStatement: AnalyticsStatement<RangeQuery> = {
	name: "payments",
	sql: `SELECT ${bucketSql("occurred_at")} AS bucket, currency, count(*) AS failures, sum(amount) AS amount
FROM payment_failures
WHERE occurred_at >= ?1 AND occurred_at < ?2
GROUP BY 1, 2`,
	binds: (q) => rangeBinds(q.range),
};

export interface PaymentRow {
	bucket: number;
	currency: string;
	failures: number;
	amount: number;
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

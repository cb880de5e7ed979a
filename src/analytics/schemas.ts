import * as z from "../zod/mini";
import { INTERVALS } from "./buckets";

// Response shapes of the analytics API: the shaping functions in ./queries
// are checked against these (satisfies), and OpenAPI renders them.

const int = z.int();
const counts = z.record(z.string(), z.number()).check(z.describe('Keyed by name; NULL groups as "unknown"'));
const bucket = z.string().check(z.describe("Bucket start, ISO 8601 UTC"));

const windowFields = {
	from: z.string().check(z.describe("Window start (inclusive), ISO 8601")),
	to: z.string().check(z.describe("Window end (exclusive), ISO 8601")),
	interval: z.enum(INTERVALS),
};

export const signupsSchema = z.object({
	...windowFields,
	total: int.check(z.describe("Users whose first signup falls in the window")),
	by_source: counts,
	by_plan: counts,
	series: z.array(z.object({ bucket, signups: int, by_source: counts, by_plan: counts })),
});

const level = z.object({ mrr: z.number().check(z.describe("Monthly recurring revenue, yearly plans ÷ 12")), subscriptions: int });
const byCurrency = z
	.record(z.string(), z.extend(level, { by_plan: z.record(z.string(), level) }))
	.check(z.describe("Keyed by ISO 4217 currency: amounts in different currencies are never added together"));

export const mrrSchema = z.object({
	...windowFields,
	statuses: z.array(z.string()).check(z.describe("Subscription statuses that count towards MRR")),
	opening: byCurrency.check(z.describe("MRR at `from`")),
	current: byCurrency.check(z.describe("MRR at `to`")),
	series: z.array(z.object({ bucket, by_currency: byCurrency.check(z.describe("MRR at the end of the bucket")) })),
});

const usageTotal = z.object({ quantity: z.number(), events: int });

export const usageSchema = z.object({
	...windowFields,
	feature: z.nullable(z.string()).check(z.describe("The feature filter, if any")),
	features: z.array(z.extend(usageTotal, { feature: z.string() })).check(z.describe("Totals per feature, largest first")),
	series: z.array(z.object({ bucket, quantity: z.number(), by_feature: counts })),
	top_users: z.array(z.extend(usageTotal, { user_id: z.string() })),
});

const failureTotals = z
	.record(z.string(), z.object({ failures: int, amount: z.number().check(z.describe("Sum of the failed amounts, major units")) }))
	.check(z.describe("Keyed by ISO 4217 currency: amounts in different currencies are never added together"));

export const paymentsSchema = z.object({
	...windowFields,
	failures: int.check(z.describe("payment_failed events in the window")),
	by_currency: failureTotals,
	series: z.array(z.object({ bucket, failures: int, by_currency: failureTotals })),
});

export const funnelSchema = z.object({
	...windowFields,
	days: int,
	steps: z.array(z.object({ step: z.string(), users: int })).check(z.describe("signed_up, then subscribed_within_<days>d")),
	conversion_rate: z.number().check(z.describe("subscribed / signed_up, 0..1")),
	series: z.array(
		z.object({
			bucket,
			signed_up: int,
			subscribed: int,
			conversion_rate: z.number(),
			complete: z.boolean().check(z.describe("false while the cohort's users may still convert")),
		}),
	),
});

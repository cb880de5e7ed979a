import { z } from "zod";
import { INTERVALS } from "./buckets";

// Response shapes of the analytics API: the shaping functions in ./queries
// are checked against these (satisfies), and OpenAPI renders them.

const int = z.number().int();
const counts = z.record(z.string(), z.number()).describe('Keyed by name; NULL groups as "unknown"');
const bucket = z.string().describe("Bucket start, ISO 8601 UTC");

const windowFields = {
	from: z.string().describe("Window start (inclusive), ISO 8601"),
	to: z.string().describe("Window end (exclusive), ISO 8601"),
	interval: z.enum(INTERVALS),
};

export const signupsSchema = z.object({
	...windowFields,
	total: int.describe("Users whose first signup falls in the window"),
	by_source: counts,
	by_plan: counts,
	series: z.array(z.object({ bucket, signups: int, by_source: counts, by_plan: counts })),
});

const level = z.object({ mrr: z.number().describe("Monthly recurring revenue, yearly plans ÷ 12"), subscriptions: int });
const byCurrency = z
	.record(z.string(), level.extend({ by_plan: z.record(z.string(), level) }))
	.describe("Keyed by ISO 4217 currency: amounts in different currencies are never added together");

export const mrrSchema = z.object({
	...windowFields,
	statuses: z.array(z.string()).describe("Subscription statuses that count towards MRR"),
	opening: byCurrency.describe("MRR at `from`"),
	current: byCurrency.describe("MRR at `to`"),
	series: z.array(z.object({ bucket, by_currency: byCurrency.describe("MRR at the end of the bucket") })),
});

const usageTotal = z.object({ quantity: z.number(), events: int });

export const usageSchema = z.object({
	...windowFields,
	feature: z.string().nullable().describe("The feature filter, if any"),
	features: z.array(usageTotal.extend({ feature: z.string() })).describe("Totals per feature, largest first"),
	series: z.array(z.object({ bucket, quantity: z.number(), by_feature: counts })),
	top_users: z.array(usageTotal.extend({ user_id: z.string() })),
});

const failureTotals = z
	.record(z.string(), z.object({ failures: int, amount: z.number().describe("Sum of the failed amounts, major units") }))
	.describe("Keyed by ISO 4217 currency: amounts in different currencies are never added together");

export const paymentsSchema = z.object({
	...windowFields,
	failures: int.describe("payment_failed events in the window"),
	by_currency: failureTotals,
	series: z.array(z.object({ bucket, failures: int, by_currency: failureTotals })),
});

export const funnelSchema = z.object({
	...windowFields,
	days: int,
	steps: z.array(z.object({ step: z.string(), users: int })).describe("signed_up, then subscribed_within_<days>d"),
	conversion_rate: z.number().describe("subscribed / signed_up, 0..1"),
	series: z.array(
		z.object({
			bucket,
			signed_up: int,
			subscribed: int,
			conversion_rate: z.number(),
			complete: z.boolean().describe("false while the cohort's users may still convert"),
		}),
	),
});

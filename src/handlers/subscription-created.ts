import { z } from "zod";
import { type EventHandler, parseEventData } from "./types";

// Billing intervals, as months per period, so MRR can normalise them.
const MONTHS_PER_INTERVAL = { week: 12 / 52, month: 1, quarter: 3, year: 12 } as const;
const INTERVAL_ALIASES: Record<string, keyof typeof MONTHS_PER_INTERVAL> = {
	weekly: "week",
	monthly: "month",
	quarterly: "quarter",
	yearly: "year",
	annual: "year",
	annually: "year",
};

const subscriptionSchema = z
	.object({
		user_id: z.string().optional(),
		metadata: z.object({
			plan: z.string().min(1),
			amount: z.number().finite().nonnegative(),
			currency: z
				.string()
				.regex(/^[A-Za-z]{3}$/, "must be a 3-letter ISO 4217 code")
				.transform((c) => c.toUpperCase()),
			interval: z
				.string()
				.transform((i) => INTERVAL_ALIASES[i.toLowerCase()] ?? i.toLowerCase())
				.pipe(z.enum(["week", "month", "quarter", "year"])),
			subscription_id: z.string().min(1).optional(),
			status: z.string().min(1).optional(),
		}),
	})
	.refine((e) => e.user_id !== undefined || e.metadata.subscription_id !== undefined, {
		message: "needs user_id or metadata.subscription_id",
		path: ["user_id"],
	});

export function monthlyAmount(amount: number, interval: keyof typeof MONTHS_PER_INTERVAL): number {
	return Math.round((amount / MONTHS_PER_INTERVAL[interval]) * 100) / 100;
}

export const subscriptionCreated: EventHandler = {
	type: "subscription_created",
	derive(event, occurredAt) {
		const { user_id, metadata } = parseEventData(subscriptionSchema, event, "subscription_created");
		const subscriptionId = metadata.subscription_id ?? `user:${user_id}`;
		const common = {
			subscription_id: subscriptionId,
			user_id: user_id ?? null,
			plan: metadata.plan,
			amount: metadata.amount,
			currency: metadata.currency,
			interval: metadata.interval,
			monthly_amount: monthlyAmount(metadata.amount, metadata.interval),
			status: metadata.status ?? "active",
		};
		return {
			subscriptions: [{ ...common, updated_at: occurredAt, last_event_id: event.event_id }],
			subscription_changes: [{ ...common, event_id: event.event_id, occurred_at: occurredAt }],
		};
	},
};

import * as z from "../../zod/mini";
import { keyedByEventTable, replaceIfNewer } from "../conflict";
import { currencyCode, defineEventType, parseEventData, type TableSpec } from "../contract";

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

// Numbers are finite already: z.number() refuses Infinity and NaN.
const subscriptionSchema = z
	.object({
		user_id: z.optional(z.string()),
		metadata: z.object({
			plan: z.string().check(z.minLength(1)),
			amount: z.number().check(z.nonnegative()),
			currency: currencyCode,
			interval: z
				.pipe(
					z.pipe(
						z.string(),
						z.transform((i: string) => INTERVAL_ALIASES[i.toLowerCase()] ?? i.toLowerCase()),
					),
					z.enum(["week", "month", "quarter", "year"]),
				)
				.check(z.describe("week, month, quarter or year (or weekly, monthly, quarterly, yearly, annual)")),
			subscription_id: z.optional(z.string().check(z.minLength(1))),
			status: z.optional(z.string().check(z.minLength(1))).check(z.describe('default "active"; active and past_due earn MRR')),
		}),
	})
	.check(
		z.refine((e) => e.user_id !== undefined || e.metadata.subscription_id !== undefined, {
			message: "needs user_id or metadata.subscription_id",
			path: ["user_id"],
		}),
		z.describe("Needs user_id or metadata.subscription_id; without subscription_id the subscription is keyed by the user"),
	);

export function monthlyAmount(amount: number, interval: keyof typeof MONTHS_PER_INTERVAL): number {
	return Math.round((amount / MONTHS_PER_INTERVAL[interval]) * 100) / 100;
}

// What a subscription event says, shared by the current-state row and the
// history row.
export interface SubscriptionFields {
	subscription_id: string;
	user_id: string | null;
	plan: string;
	amount: number;
	currency: string;
	interval: string;
	monthly_amount: number;
	status: string;
}

export interface SubscriptionRow extends SubscriptionFields {
	updated_at: number;
	last_event_id: string;
}

export interface SubscriptionChangeRow extends SubscriptionFields {
	event_id: string;
	occurred_at: number;
}

const FIELD_COLUMNS = ["subscription_id", "user_id", "plan", "amount", "currency", "interval", "monthly_amount", "status"] as const;
const STATE_COLUMNS = [...FIELD_COLUMNS, "updated_at", "last_event_id"] as const;
const CHANGE_COLUMNS = [...FIELD_COLUMNS, "event_id", "occurred_at"] as const;

// Current state per subscription: the newest event wins.
export const subscriptionsTable: TableSpec<SubscriptionRow> = {
	table: "subscriptions",
	columns: STATE_COLUMNS,
	conflict: (replay) => replaceIfNewer("subscriptions", "subscription_id", STATE_COLUMNS, replay),
};

// Every change, one row per event: the MRR ledger triggers read these.
export const subscriptionChangesTable = keyedByEventTable<SubscriptionChangeRow>("subscription_changes", CHANGE_COLUMNS);

export const subscriptionCreated = defineEventType({
	type: "subscription_created",
	schema: subscriptionSchema,
	tables: { subscriptions: subscriptionsTable, subscription_changes: subscriptionChangesTable },
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
});

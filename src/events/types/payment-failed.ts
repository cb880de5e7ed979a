import * as z from "../../zod/mini";
import { keyedByEventTable } from "../conflict";
import { currencyCode, defineEventType, parseEventData } from "../contract";

// payment_failed: a charge or invoice that did not go through (Stripe's
// invoice.payment_failed maps here). One row per event; the payments
// analytics count and sum them per interval and currency.
const paymentFailedSchema = z.object({
	user_id: z.optional(z.string()),
	metadata: z.object({
		amount: z.number().check(z.nonnegative()),
		currency: currencyCode,
		invoice_id: z.optional(z.string().check(z.minLength(1))),
		subscription_id: z.optional(z.string().check(z.minLength(1))),
		reason: z.optional(z.string().check(z.minLength(1), z.maxLength(500))),
	}),
});

export interface PaymentFailureRow {
	event_id: string;
	user_id: string | null;
	subscription_id: string | null;
	invoice_id: string | null;
	amount: number;
	currency: string;
	reason: string | null;
	occurred_at: number;
}

const COLUMNS = ["event_id", "user_id", "subscription_id", "invoice_id", "amount", "currency", "reason", "occurred_at"] as const;

export const paymentFailuresTable = keyedByEventTable<PaymentFailureRow>("payment_failures", COLUMNS);

export const paymentFailed = defineEventType({
	type: "payment_failed",
	schema: paymentFailedSchema,
	tables: { payment_failures: paymentFailuresTable },
	derive(event, occurredAt) {
		const { user_id, metadata } = parseEventData(paymentFailedSchema, event, "payment_failed");
		return {
			payment_failures: [
				{
					event_id: event.event_id,
					user_id: user_id ?? null,
					subscription_id: metadata.subscription_id ?? null,
					invoice_id: metadata.invoice_id ?? null,
					amount: metadata.amount,
					currency: metadata.currency,
					reason: metadata.reason ?? null,
					occurred_at: occurredAt,
				},
			],
		};
	},
});

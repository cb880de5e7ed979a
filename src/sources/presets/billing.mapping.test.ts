// Default mappings that put auth and billing providers into the SaaS
// analytics: signups, subscriptions (MRR) and failed payments, in major
// units, from each provider's documented payload shape.
import { describe, expect, it } from "vitest";
import {
	chargebeePaymentFailed,
	chargebeeSubscriptionCreated,
	clerkUserCreated,
	paddleSubscriptionCreated,
	paddleTransactionPaymentFailed,
	paystackInvoicePaymentFailed,
	razorpayPaymentFailed,
	workosUserCreated,
} from "../fixtures/billing";
import { mapEvent } from "../mapping";
import { PRESETS, type PresetKind } from "./index";

const map = (kind: PresetKind, type: string, payload: unknown) =>
	mapEvent({ identity: { id: "e1", type, occurredAt: Date.UTC(2026, 0, 1) }, payload, receivedAtMs: 0 }, PRESETS[kind].mappings);

describe("signups", () => {
	it("Clerk user.created → user_signup with the primary email", () => {
		expect(map("clerk", "user.created", clerkUserCreated)).toMatchObject({
			kind: "mapped",
			event: {
				event_type: "user_signup",
				user_id: "user_29w83sxmDNGwOuEthce5gg56FcC",
				metadata: { email: "example@example.org", source: "clerk" },
			},
		});
	});

	it("WorkOS user.created → user_signup", () => {
		expect(map("workos", "user.created", workosUserCreated)).toMatchObject({
			kind: "mapped",
			event: {
				event_type: "user_signup",
				user_id: "user_01E4ZCR3C56J083X43JQXF3JK5",
				metadata: { email: "marcelina.davis@example.com", source: "workos" },
			},
		});
	});

	it("Supabase's Send Email hook for a signup → user_signup", () => {
		expect(map("supabase", "auth.signup", { user: { id: "8ccaa7af", email: "ada@example.com" } })).toMatchObject({
			kind: "mapped",
			event: { event_type: "user_signup", user_id: "8ccaa7af", metadata: { source: "supabase" } },
		});
	});
});

describe("subscriptions", () => {
	it("Paddle subscription.created of 4900 minor units monthly → 49 USD a month", () => {
		expect(map("paddle", "subscription.created", paddleSubscriptionCreated)).toMatchObject({
			kind: "mapped",
			event: {
				event_type: "subscription_created",
				user_id: "ctm_01hv6y1jedq4p1n0yqn5ba3ky4",
				metadata: {
					amount: 49,
					currency: "USD",
					interval: "month",
					plan: "Pro monthly",
					status: "active",
					subscription_id: "sub_01hv8x29kz0t586xy6zn1a62ny",
				},
			},
		});
	});

	it("Paddle multiplies the unit price by the quantity, and a cancellation says canceled", () => {
		const seats = structuredClone(paddleSubscriptionCreated);
		(seats.data.items[0] as { quantity: number }).quantity = 3;
		expect(map("paddle", "subscription.updated", seats)).toMatchObject({ event: { metadata: { amount: 147 } } });
		expect(map("paddle", "subscription.canceled", paddleSubscriptionCreated)).toMatchObject({
			event: { metadata: { status: "canceled" } },
		});
	});

	it("Chargebee subscription_created → the item's amount (price × quantity) in major units", () => {
		expect(map("chargebee", "subscription_created", chargebeeSubscriptionCreated)).toMatchObject({
			kind: "mapped",
			event: { metadata: { amount: 49, currency: "EUR", interval: "month", plan: "pro-EUR-monthly", subscription_id: "16BPgETyVrQXcHh9" } },
		});
	});

	it("Polar subscription.created → its amount and recurring interval", () => {
		const sub = {
			data: {
				id: "sub_1",
				customer_id: "cus_1",
				amount: 1900,
				currency: "usd",
				recurring_interval: "year",
				status: "active",
				product: { name: "Team" },
			},
		};
		expect(map("polar", "subscription.created", sub)).toMatchObject({
			event: { metadata: { amount: 19, currency: "USD", interval: "year", plan: "Team" } },
		});
	});
});

describe("failed payments, in major units", () => {
	it("Paddle transaction.payment_failed → payment_failed with the grand total", () => {
		expect(map("paddle", "transaction.payment_failed", paddleTransactionPaymentFailed)).toMatchObject({
			kind: "mapped",
			event: {
				event_type: "payment_failed",
				metadata: {
					amount: 49,
					currency: "USD",
					invoice_id: "txn_01hv9x4xz8fz4yr2afb1tp0dw1",
					subscription_id: "sub_01hv8x29kz0t586xy6zn1a62ny",
				},
			},
		});
	});

	it("Razorpay payment.failed → 499 INR, keyed on the order when there is no invoice", () => {
		expect(map("razorpay", "payment.failed", razorpayPaymentFailed)).toMatchObject({
			kind: "mapped",
			event: {
				metadata: { amount: 499, currency: "INR", invoice_id: "order_DESlLckIVRkHWj", reason: "Payment failed due to incorrect OTP" },
			},
		});
	});

	it("Paystack invoice.payment_failed → 5000 NGN", () => {
		expect(map("paystack", "invoice.payment_failed", paystackInvoicePaymentFailed)).toMatchObject({
			kind: "mapped",
			event: { metadata: { amount: 5000, currency: "NGN", invoice_id: "INV_thy2vkmirn2urwv", subscription_id: "SUB_f7ct8g01mhrn9u0" } },
		});
	});

	it("Chargebee payment_failed → 49 EUR with the decline reason", () => {
		expect(map("chargebee", "payment_failed", chargebeePaymentFailed)).toMatchObject({
			kind: "mapped",
			event: { metadata: { amount: 49, currency: "EUR", invoice_id: "1234", reason: "Your card was declined" } },
		});
	});

	it("a payload without the amount fails naming the path, never maps a guess", () => {
		const broken = structuredClone(paddleTransactionPaymentFailed) as { data: { details: Record<string, unknown> } };
		delete broken.data.details.totals;
		expect(map("paddle", "transaction.payment_failed", broken)).toMatchObject({
			kind: "failed",
			code: "mapping_path_missing",
			path: "data.details.totals.grand_total",
		});
	});
});

// Stripe's default mappings, run over realistic event payloads.
import { describe, expect, it } from "vitest";
import {
	stripeCustomerCreated,
	stripeInvoicePaymentFailed,
	stripeSubscriptionCreated,
	stripeSubscriptionDeleted,
	stripeSubscriptionUpdated,
} from "../fixtures/stripe";
import { mapEvent } from "../mapping";
import { mappingRuleSchema } from "../mapping-rules";
import type { Identity } from "../types";
import { stripe } from "./stripe";

const RECEIVED = Date.UTC(2026, 5, 1);

function map(event: unknown) {
	const identity = stripe.identify({ headers: {}, body: new Uint8Array() }, event) as Identity & { id: string };
	expect(identity.kind).toBe("event");
	return mapEvent({ identity, payload: event, receivedAtMs: RECEIVED }, stripe.mappings);
}

// Deep copy with one change, for "what if Stripe sent …" cases.
function withChange<T>(event: T, change: (copy: T) => void): T {
	const copy = structuredClone(event);
	change(copy);
	return copy;
}

describe("stripe default mappings", () => {
	it("are valid mapping rules", () => {
		for (const [type, rule] of Object.entries(stripe.mappings)) {
			expect(mappingRuleSchema.safeParse(rule).success, type).toBe(true);
		}
	});

	it("maps customer.created to user_signup with the customer id, email and source", () => {
		expect(map(stripeCustomerCreated)).toEqual({
			kind: "mapped",
			event: {
				event_id: "evt_1SZ0aB2eZvKYlo2C5d3kQ0aa",
				event_type: "user_signup",
				timestamp: "2026-01-01T00:00:00.000Z",
				user_id: "cus_TQ2bC9a1XyZ0Ab",
				metadata: { email: "jenny.rosen@example.com", source: "stripe" },
			},
		});
	});

	it("maps customer.subscription.created to subscription_created in major units (4900 → 49)", () => {
		expect(map(stripeSubscriptionCreated)).toEqual({
			kind: "mapped",
			event: {
				event_id: "evt_1SZ0bE2eZvKYlo2Cabcdef01",
				event_type: "subscription_created",
				timestamp: "2026-01-01T00:01:00.000Z",
				user_id: "cus_TQ2bC9a1XyZ0Ab",
				metadata: {
					subscription_id: "sub_1SZ0bC2eZvKYlo2CmN8xQ7pR",
					plan: "pro_monthly",
					currency: "USD",
					amount: 49,
					interval: "month",
					status: "active",
				},
			},
		});
	});

	it("maps customer.subscription.updated to the same state upsert, carrying the new status", () => {
		expect(map(stripeSubscriptionUpdated)).toMatchObject({
			kind: "mapped",
			event: { event_type: "subscription_created", metadata: { status: "past_due", amount: 49 } },
		});
	});

	it("maps customer.subscription.deleted to status canceled", () => {
		const event = withChange(stripeSubscriptionDeleted, (e) => {
			e.data.object.status = "incomplete_expired";
		});
		expect(map(event)).toMatchObject({
			kind: "mapped",
			event: { event_type: "subscription_created", metadata: { status: "canceled" } },
		});
	});

	it("takes the plan from lookup_key, then nickname, then the price id", () => {
		const noLookup = withChange(stripeSubscriptionCreated, (e) => {
			(e.data.object.items.data[0]?.price as { lookup_key: string | null }).lookup_key = null;
		});
		expect(map(noLookup)).toMatchObject({ event: { metadata: { plan: "Pro" } } });
		const bare = withChange(noLookup, (e) => {
			(e.data.object.items.data[0]?.price as { nickname: string | null }).nickname = null;
		});
		expect(map(bare)).toMatchObject({ event: { metadata: { plan: "price_1SZ0a92eZvKYlo2CwXyZ1234" } } });
	});

	it("uses the currency's exponent: JPY amounts are already major units, KWD has three decimals", () => {
		const jpy = withChange(stripeSubscriptionCreated, (e) => {
			const price = e.data.object.items.data[0]?.price;
			if (price) Object.assign(price, { currency: "jpy", unit_amount: 4900 });
		});
		expect(map(jpy)).toMatchObject({ event: { metadata: { currency: "JPY", amount: 4900 } } });
		const kwd = withChange(stripeSubscriptionCreated, (e) => {
			const price = e.data.object.items.data[0]?.price;
			if (price) Object.assign(price, { currency: "kwd", unit_amount: 12_345 });
		});
		expect(map(kwd)).toMatchObject({ event: { metadata: { currency: "KWD", amount: 12.345 } } });
	});

	it("fails naming the path when the subscription has no price amount (dead-letter, not a crash)", () => {
		const event = withChange(stripeSubscriptionCreated, (e) => {
			(e.data.object.items.data[0]?.price as { unit_amount: number | null }).unit_amount = null;
		});
		expect(map(event)).toMatchObject({
			kind: "failed",
			code: "mapping_path_missing",
			providerType: "customer.subscription.created",
			field: "metadata.amount",
			path: "data.object.items.data.0.price.unit_amount",
		});
	});

	it("fails on a daily price, which the subscription handler cannot normalise", () => {
		const daily = withChange(stripeSubscriptionCreated, (e) => {
			const price = e.data.object.items.data[0]?.price;
			if (price) price.recurring.interval = "day";
		});
		expect(map(daily)).toMatchObject({ kind: "failed", code: "mapping_invalid_output", field: "metadata.interval" });
	});

	it("maps invoice.payment_failed to payment_failed with amount_due, invoice and subscription", () => {
		expect(map(stripeInvoicePaymentFailed)).toEqual({
			kind: "mapped",
			event: {
				event_id: "evt_1SZ0cF2eZvKYlo2Cfail0001",
				event_type: "payment_failed",
				timestamp: new Date((1_767_225_600 + 2_678_460) * 1000).toISOString(),
				user_id: "cus_TQ2bC9a1XyZ0Ab",
				metadata: {
					invoice_id: "in_1SZ0cG2eZvKYlo2Cq1W2e3R4",
					subscription_id: "sub_1SZ0bC2eZvKYlo2CmN8xQ7pR",
					currency: "USD",
					amount: 49,
				},
			},
		});
	});

	it("finds the subscription on pre-2025-03-31 invoices (invoice.subscription)", () => {
		const old = withChange(stripeInvoicePaymentFailed, (e) => {
			const invoice = e.data.object as Record<string, unknown>;
			delete invoice.parent;
			invoice.subscription = "sub_legacy_1";
		});
		expect(map(old)).toMatchObject({ event: { metadata: { subscription_id: "sub_legacy_1" } } });
	});

	it("leaves event types without a rule unhandled (archived, never rejected)", () => {
		const charge = { ...stripeCustomerCreated, id: "evt_charge", type: "charge.succeeded" };
		expect(map(charge)).toEqual({ kind: "unhandled", providerType: "charge.succeeded" });
	});
});

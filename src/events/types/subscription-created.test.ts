import { describe, expect, it } from "vitest";
import { PermanentError } from "../contract";
import { monthlyAmount, subscriptionCreated } from "./subscription-created";

const at = Date.parse("2026-11-27T10:00:00Z");
const event = (metadata: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
	event_id: "evt_sub1",
	event_type: "subscription_created",
	timestamp: "2026-11-27T10:00:00Z",
	user_id: "user_1",
	metadata: { plan: "pro", amount: 29, currency: "usd", interval: "month", ...metadata },
	...over,
});

describe("subscription_created handler", () => {
	it("derives the subscription state and its history row", () => {
		const rows = subscriptionCreated.derive(event({}), at);
		expect(rows.subscriptions).toEqual([
			{
				subscription_id: "user:user_1",
				user_id: "user_1",
				plan: "pro",
				amount: 29,
				currency: "USD",
				interval: "month",
				monthly_amount: 29,
				status: "active",
				updated_at: at,
				last_event_id: "evt_sub1",
			},
		]);
		expect(rows.subscription_changes?.[0]).toMatchObject({ event_id: "evt_sub1", occurred_at: at, monthly_amount: 29 });
	});

	it("normalises yearly plans to a monthly amount and accepts interval aliases", () => {
		const rows = subscriptionCreated.derive(event({ amount: 120, interval: "yearly", subscription_id: "sub_9" }), at);
		expect(rows.subscriptions?.[0]).toMatchObject({ subscription_id: "sub_9", interval: "year", monthly_amount: 10 });
		expect(monthlyAmount(52, "week")).toBe(225.33);
	});

	it("fails permanently naming each missing or bad field", () => {
		const bad = event({ plan: undefined, amount: "29", currency: "dollars", interval: "fortnight" });
		expect(() => subscriptionCreated.derive(bad, at)).toThrow(PermanentError);
		try {
			subscriptionCreated.derive(bad, at);
		} catch (err) {
			const message = (err as Error).message;
			for (const field of ["metadata.plan", "metadata.amount", "metadata.currency", "metadata.interval"]) {
				expect(message).toContain(field);
			}
		}
	});

	it("rejects negative amounts and events with neither user nor subscription id", () => {
		expect(() => subscriptionCreated.derive(event({ amount: -1 }), at)).toThrow(/metadata\.amount/);
		expect(() => subscriptionCreated.derive(event({}, { user_id: undefined }), at)).toThrow(/user_id/);
	});
});

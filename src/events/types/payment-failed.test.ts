import { describe, expect, it } from "vitest";
import { PermanentError } from "../contract";
import { paymentFailed } from "./payment-failed";

const at = Date.parse("2026-11-27T10:00:00Z");
const event = (metadata: Record<string, unknown>, over: Record<string, unknown> = {}) => ({
	event_id: "stripe:evt_pf1",
	event_type: "payment_failed",
	timestamp: "2026-11-27T10:00:00Z",
	user_id: "cus_1",
	metadata: { amount: 49, currency: "usd", ...metadata },
	...over,
});

describe("payment_failed event type", () => {
	it("derives one failure row with the currency upper-cased", () => {
		expect(paymentFailed.derive(event({ invoice_id: "in_1", subscription_id: "sub_1" }), at)).toEqual({
			payment_failures: [
				{
					event_id: "stripe:evt_pf1",
					user_id: "cus_1",
					subscription_id: "sub_1",
					invoice_id: "in_1",
					amount: 49,
					currency: "USD",
					reason: null,
					occurred_at: at,
				},
			],
		});
	});

	it("needs neither a user nor an invoice, only amount and currency", () => {
		const row = paymentFailed.derive(event({}, { user_id: undefined }), at).payment_failures?.[0];
		expect(row).toMatchObject({ user_id: null, invoice_id: null, amount: 49 });
	});

	it("fails permanently naming a missing amount or a bad currency", () => {
		expect(() => paymentFailed.derive(event({ amount: undefined }), at)).toThrow(PermanentError);
		expect(() => paymentFailed.derive(event({ amount: undefined }), at)).toThrow(/metadata\.amount/);
		expect(() => paymentFailed.derive(event({ currency: "dollars" }), at)).toThrow(/metadata\.currency/);
		expect(() => paymentFailed.derive(event({ amount: -5 }), at)).toThrow(/metadata\.amount/);
	});
});

// Paystack webhooks.
//
// Signature: x-paystack-signature: hex HMAC-SHA512 of the raw body, keyed
// with the account's secret key (sk_live_… / sk_test_…). No timestamp, no
// event id: the event is keyed on the sha256 of its body.
// Identity: type = body.event ("charge.success", "invoice.payment_failed").
//
// Mappings: invoice.payment_failed and charge.failed → payment_failed
// (amount in kobo/cents → major units).

import type { MappingRule, MappingTable } from "../mapping-rules";
import type { Preset } from "../types";
import { bodyOnly, hmacPreset, prefixedHeader } from "./scheme";
import { bodyString, eventIdentity, isoToMs, missingBodyField } from "./shared";

function failed(reference: string[]): MappingRule {
	return {
		type: "payment_failed",
		fields: {
			user_id: { path: "data.customer.customer_code", optional: true },
			"metadata.invoice_id": reference,
			"metadata.subscription_id": { path: "data.subscription.subscription_code", optional: true },
			"metadata.currency": {
				path: ["data.currency", "data.transaction.currency", "data.subscription.plan.currency"],
				transform: "uppercase",
			},
			"metadata.amount": { path: "data.amount", transform: "minorToMajor" },
			"metadata.reason": { path: ["data.gateway_response", "data.description"], optional: true },
		},
	};
}

export const paystackMappings: MappingTable = {
	"invoice.payment_failed": failed(["data.invoice_code", "data.transaction.reference"]),
	"charge.failed": failed(["data.reference", "data.id"]),
};

export const paystack: Preset<"paystack"> = hmacPreset({
	kind: "paystack",
	defaultToleranceSeconds: null,
	bodyDedupe: true,
	scheme: { hash: "SHA-512", encoding: "hex", read: prefixedHeader("x-paystack-signature"), content: bodyOnly },
	identify(_req, json) {
		const type = bodyString(json, "event");
		if (type === undefined) return missingBodyField("event");
		return eventIdentity(undefined, type, isoToMs(bodyString(json, "data.created_at")), {});
	},
	mappings: paystackMappings,
});

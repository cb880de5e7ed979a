// Chargebee webhooks.
//
// Authentication: HTTP Basic auth configured on the webhook (Settings →
// Configure Chargebee → Webhooks → "Protect webhook URL with basic
// authentication"); the secret is "user:password", compared in constant
// time. Nothing is signed, so bodyDedupe.
// Identity: id = body.id ("ev_…"), type = body.event_type, occurredAt =
// body.occurred_at (unix s).
//
// Mappings: subscription_created|changed|renewed|cancelled →
// subscription_created (first subscription item's amount, minor units →
// major; currency_code; billing_period_unit), payment_failed →
// payment_failed (the transaction's amount).

import type { MappingRule, MappingTable } from "../mapping-rules";
import type { Preset } from "../types";
import { verifyBasicAuth } from "./scheme";
import { identityFromBody } from "./shared";

const SUB = "content.subscription";

function subscription(status?: "canceled"): MappingRule {
	return {
		type: "subscription_created",
		fields: {
			user_id: `${SUB}.customer_id`,
			"metadata.subscription_id": `${SUB}.id`,
			"metadata.plan": [`${SUB}.subscription_items.0.item_price_id`, `${SUB}.plan_id`],
			"metadata.currency": { path: `${SUB}.currency_code`, transform: "uppercase" },
			"metadata.amount": {
				path: [`${SUB}.subscription_items.0.amount`, `${SUB}.plan_amount`, `${SUB}.subscription_items.0.unit_price`],
				transform: "minorToMajor",
			},
			"metadata.interval": `${SUB}.billing_period_unit`,
			"metadata.status": status ? { const: status } : `${SUB}.status`,
		},
	};
}

export const chargebeeMappings: MappingTable = {
	subscription_created: subscription(),
	subscription_changed: subscription(),
	subscription_renewed: subscription(),
	subscription_cancelled: subscription("canceled"),
	payment_failed: {
		type: "payment_failed",
		fields: {
			user_id: { path: ["content.transaction.customer_id", "content.customer.id"], optional: true },
			"metadata.invoice_id": ["content.invoice.id", "content.transaction.id"],
			"metadata.subscription_id": { path: ["content.transaction.subscription_id", "content.subscription.id"], optional: true },
			"metadata.currency": { path: "content.transaction.currency_code", transform: "uppercase" },
			"metadata.amount": { path: "content.transaction.amount", transform: "minorToMajor" },
			"metadata.reason": { path: ["content.transaction.error_text", "content.transaction.error_code"], optional: true },
		},
	},
};

export const chargebee: Preset<"chargebee"> = {
	kind: "chargebee",
	defaultToleranceSeconds: null,
	bodyDedupe: true,
	verify: (req, secrets) => verifyBasicAuth("chargebee", req, secrets),
	identify: (_req, json) => identityFromBody(json, { id: "id", type: "event_type", unixSeconds: "occurred_at" }, {}),
	mappings: chargebeeMappings,
};

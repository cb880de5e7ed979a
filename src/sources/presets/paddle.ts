// Paddle Billing webhooks.
//
// Signature: Paddle-Signature: ts=<unix s>;h1=<hex HMAC-SHA256 of
// "ts:body">, keyed with the notification destination's secret key
// (`pdl_ntfset_…`); several h1 may be sent while a secret is rotated.
// |now − ts| within 300 s by default.
// Identity: id = body.event_id ("evt_…"), type = body.event_type,
// occurredAt = body.occurred_at (ISO).
//
// Mappings: subscription.created|updated|canceled → subscription_created
// (first item's unit_price.amount × quantity, minor units → major;
// currency_code; billing_cycle.interval), transaction.payment_failed →
// payment_failed (details.totals.grand_total).

import type { MappingRule, MappingTable } from "../mapping-rules";
import type { Preset } from "../types";
import { hmacPreset, keyValueHeader, prefixedBody } from "./scheme";
import { bodyString, eventIdentity, isoToMs, missingBodyField } from "./shared";

const ITEM = "data.items.0";

function subscription(status?: "canceled"): MappingRule {
	return {
		type: "subscription_created",
		fields: {
			user_id: "data.customer_id",
			"metadata.subscription_id": "data.id",
			"metadata.plan": [`${ITEM}.price.name`, `${ITEM}.price.description`, `${ITEM}.price.id`],
			"metadata.currency": { path: "data.currency_code", transform: "uppercase" },
			"metadata.amount": { path: `${ITEM}.price.unit_price.amount`, times: `${ITEM}.quantity`, transform: "minorToMajor" },
			"metadata.interval": "data.billing_cycle.interval",
			"metadata.status": status ? { const: status } : "data.status",
		},
	};
}

export const paddleMappings: MappingTable = {
	"subscription.created": subscription(),
	"subscription.updated": subscription(),
	"subscription.canceled": subscription("canceled"),
	"transaction.payment_failed": {
		type: "payment_failed",
		fields: {
			user_id: { path: "data.customer_id", optional: true },
			"metadata.invoice_id": "data.id",
			"metadata.subscription_id": { path: "data.subscription_id", optional: true },
			"metadata.currency": { path: "data.currency_code", transform: "uppercase" },
			"metadata.amount": { path: "data.details.totals.grand_total", transform: "minorToMajor" },
		},
	},
};

export const paddle: Preset<"paddle"> = hmacPreset({
	kind: "paddle",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	scheme: {
		hash: "SHA-256",
		encoding: "hex",
		read: keyValueHeader("paddle-signature", { timestamp: "ts", signature: "h1" }, ";"),
		content: prefixedBody((_req, ts) => `${ts}:`),
		timestamp: "seconds",
	},
	identify(_req, json) {
		const id = bodyString(json, "event_id");
		if (id === undefined) return missingBodyField("event_id");
		const type = bodyString(json, "event_type");
		if (type === undefined) return missingBodyField("event_type");
		return eventIdentity(id, type, isoToMs(bodyString(json, "occurred_at")), {});
	},
	mappings: paddleMappings,
});

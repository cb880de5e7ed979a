// Polar webhooks.
//
// Signature: Standard Webhooks (webhook-id / webhook-timestamp /
// webhook-signature), within 300 s. Polar's secret is used as is: its SDK
// base64-encodes the secret's UTF-8 bytes before handing it to the Standard
// Webhooks library, so the HMAC key is those bytes (not a whsec_ decode).
// Identity: id = webhook-id, type = body.type ("subscription.created").
//
// Mapping: subscription.created|updated|canceled carry the price
// (amount in cents, currency, recurring_interval) and become
// subscription_created, like Stripe's.

import { utf8 } from "../crypto";
import type { MappingRule, MappingTable } from "../mapping-rules";
import type { Preset } from "../types";
import { SecretFormatError } from "./shared";
import { standardIdentify, standardVerify } from "./standard";

function subscription(status?: "canceled"): MappingRule {
	return {
		type: "subscription_created",
		fields: {
			user_id: { path: ["data.customer_id", "data.customer.id"], optional: true },
			"metadata.subscription_id": "data.id",
			"metadata.plan": ["data.product.name", "data.product_id"],
			"metadata.currency": { path: "data.currency", transform: "uppercase" },
			"metadata.amount": { path: "data.amount", transform: "minorToMajor" },
			"metadata.interval": "data.recurring_interval",
			"metadata.status": status ? { const: status } : "data.status",
		},
	};
}

export const polarMappings: MappingTable = {
	"subscription.created": subscription(),
	"subscription.updated": subscription(),
	"subscription.canceled": subscription("canceled"),
};

export const polar: Preset<"polar"> = {
	kind: "polar",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	verify: standardVerify("polar", (secret) => {
		if (secret.length === 0) throw new SecretFormatError("polar", "is empty");
		return utf8(secret);
	}),
	identify: standardIdentify(),
	mappings: polarMappings,
};

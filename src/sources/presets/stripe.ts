// Stripe webhooks.
//
// Signature: header Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]
// (other schemes such as v0 are ignored). v1 is hex HMAC-SHA256 of
// `${t}.${raw body}` keyed with the whole endpoint secret string (`whsec_…`
// used as-is, not decoded). Any v1 may match (Stripe sends several while an
// endpoint secret is being rolled). |now − t| ≤ tolerance, 300 s by default.
//
// Identity: id = body.id (evt_…), type = body.type, occurredAt = body.created
// (unix seconds).

import { concatBytes, hmacSha256MatchesAny, utf8 } from "../crypto";
import type { MappingRule, MappingTable } from "../mapping-rules";
import type { DeliveryRequest, Identification, Preset, Verdict, VerifyOptions } from "../types";
import {
	header,
	identityFromBody,
	isRecord,
	MISMATCH,
	MISSING,
	missingBodyField,
	OK,
	parseUnixSeconds,
	requireSecrets,
	STALE,
	withinTolerance,
} from "./shared";

export const STRIPE_SIGNATURE_HEADER = "stripe-signature";

interface ParsedStripeSignature {
	timestamp: string | undefined;
	v1: string[];
}

// "t=…,v1=…,v1=…,v0=…": keeps t and every v1; ignores other schemes.
export function parseStripeSignature(value: string): ParsedStripeSignature {
	const parsed: ParsedStripeSignature = { timestamp: undefined, v1: [] };
	for (const item of value.split(",")) {
		const at = item.indexOf("=");
		if (at < 0) continue;
		const key = item.slice(0, at).trim();
		const val = item.slice(at + 1).trim();
		if (key === "t") parsed.timestamp = val;
		else if (key === "v1") parsed.v1.push(val);
	}
	return parsed;
}

async function verify(req: DeliveryRequest, secrets: readonly string[], opts: VerifyOptions): Promise<Verdict> {
	requireSecrets("stripe", secrets);
	const value = header(req.headers, STRIPE_SIGNATURE_HEADER);
	if (value === undefined) return MISSING;
	const parsed = parseStripeSignature(value);
	if (parsed.timestamp === undefined || parsed.v1.length === 0) return MISSING;
	const signedAt = parseUnixSeconds(parsed.timestamp);
	if (signedAt === null) return MISMATCH;
	const signed = concatBytes(utf8(`${parsed.timestamp}.`), req.body);
	if (!(await hmacSha256MatchesAny(secrets, parsed.v1, "hex", signed))) return MISMATCH;
	return withinTolerance(signedAt, opts) ? OK : STALE;
}

function identify(_req: DeliveryRequest, json: unknown): Identification {
	if (!isRecord(json)) return missingBodyField("id", "present: the body must be a JSON object");
	// Everything useful (api_version, livemode, request) is in the body.
	return identityFromBody(json, { id: "id", type: "type", unixSeconds: "created" }, {});
}

// ---- default mappings -------------------------------------------------------

const PRICE = "data.object.items.data.0.price";

// customer.subscription.created/updated/deleted all become
// subscription_created: that handler upserts the subscription's current state
// (plan, amount, interval, status) and appends a history row, so an update or
// a cancellation is the same kind of fact with another status. Separate
// subscription_updated/subscription_canceled types would need new handlers
// doing the very same upsert.
function subscriptionRule(status?: "canceled"): MappingRule {
	return {
		type: "subscription_created",
		fields: {
			user_id: "data.object.customer",
			"metadata.subscription_id": "data.object.id",
			// A readable plan name when the price has one, else the price id.
			"metadata.plan": [`${PRICE}.lookup_key`, `${PRICE}.nickname`, `${PRICE}.id`],
			"metadata.currency": { path: [`${PRICE}.currency`, "data.object.currency"], transform: "uppercase" },
			// Per unit: a quantity above 1 (seats) is not multiplied in.
			"metadata.amount": { path: `${PRICE}.unit_amount`, transform: "minorToMajor" },
			"metadata.interval": `${PRICE}.recurring.interval`,
			"metadata.status": status ? { const: status } : "data.object.status",
		},
	};
}

export const stripeMappings: MappingTable = {
	"customer.created": {
		type: "user_signup",
		fields: {
			user_id: "data.object.id",
			"metadata.email": { path: "data.object.email", optional: true },
			"metadata.source": { const: "stripe" },
		},
	},
	"customer.subscription.created": subscriptionRule(),
	"customer.subscription.updated": subscriptionRule(),
	// Stripe already sends status "canceled" here; the constant makes the
	// meaning explicit whatever the object says.
	"customer.subscription.deleted": subscriptionRule("canceled"),
	"invoice.payment_failed": {
		type: "payment_failed",
		fields: {
			user_id: { path: "data.object.customer", optional: true },
			"metadata.invoice_id": "data.object.id",
			// Since API 2025-03-31 the subscription sits under parent; before, on
			// the invoice itself.
			"metadata.subscription_id": {
				path: ["data.object.parent.subscription_details.subscription", "data.object.subscription"],
				optional: true,
			},
			"metadata.currency": { path: "data.object.currency", transform: "uppercase" },
			"metadata.amount": { path: "data.object.amount_due", transform: "minorToMajor" },
		},
	},
};

export const stripe: Preset<"stripe"> = {
	kind: "stripe",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	verify,
	identify,
	mappings: stripeMappings,
};

// Razorpay webhooks.
//
// Signature: X-Razorpay-Signature: hex HMAC-SHA256 of the raw body, keyed
// with the webhook secret. No timestamp is signed; the event id is an
// unsigned header, so bodyDedupe.
// Identity: id = X-Razorpay-Event-Id (kept by retries), type = body.event
// ("payment.failed"), occurredAt = body.created_at (unix s).
//
// Mapping: payment.failed → payment_failed (amount in paise → major units).

import type { MappingTable } from "../mapping-rules";
import type { Preset } from "../types";
import { bodyOnly, hmacPreset, prefixedHeader } from "./scheme";
import { bodyNumber, bodyString, eventIdentity, header, missingBodyField, missingHeader, pickHeaders } from "./shared";

const PAYMENT = "payload.payment.entity";

export const razorpayMappings: MappingTable = {
	"payment.failed": {
		type: "payment_failed",
		fields: {
			user_id: { path: [`${PAYMENT}.customer_id`, `${PAYMENT}.email`], optional: true },
			"metadata.invoice_id": [`${PAYMENT}.invoice_id`, `${PAYMENT}.order_id`, `${PAYMENT}.id`],
			"metadata.currency": { path: `${PAYMENT}.currency`, transform: "uppercase" },
			"metadata.amount": { path: `${PAYMENT}.amount`, transform: "minorToMajor" },
			"metadata.reason": { path: `${PAYMENT}.error_description`, optional: true },
		},
	},
};

export const razorpay: Preset<"razorpay"> = hmacPreset({
	kind: "razorpay",
	defaultToleranceSeconds: null,
	bodyDedupe: true,
	scheme: { hash: "SHA-256", encoding: "hex", read: prefixedHeader("x-razorpay-signature"), content: bodyOnly },
	identify(req, json) {
		const id = header(req.headers, "x-razorpay-event-id");
		if (id === undefined) return missingHeader("X-Razorpay-Event-Id");
		const type = bodyString(json, "event");
		if (type === undefined) return missingBodyField("event");
		const created = bodyNumber(json, "created_at");
		return eventIdentity(id, type, created !== undefined ? created * 1000 : undefined, pickHeaders(req.headers, ["x-razorpay-event-id"]));
	},
	mappings: razorpayMappings,
});

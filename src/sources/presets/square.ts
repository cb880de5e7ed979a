// Square webhooks.
//
// Signature: x-square-hmacsha256-signature: base64 HMAC-SHA256 of the
// notification URL (exactly as registered with Square, which is the URL the
// Worker is reached at) followed by the raw body, keyed with the
// subscription's signature key. No timestamp is signed.
// Identity: id = body.event_id (inside the signed body), type = body.type
// ("payment.updated"), occurredAt = body.created_at.

import type { Preset } from "../types";
import { hmacPreset, prefixedHeader, templateContent } from "./scheme";
import { bodyString, eventIdentity, isoToMs, missingBodyField } from "./shared";

export const square: Preset<"square"> = hmacPreset({
	kind: "square",
	defaultToleranceSeconds: null,
	bodyDedupe: false,
	scheme: {
		hash: "SHA-256",
		encoding: "base64",
		read: prefixedHeader("x-square-hmacsha256-signature"),
		content: templateContent("{url}{body}"),
	},
	identify(_req, json) {
		const id = bodyString(json, "event_id");
		if (id === undefined) return missingBodyField("event_id");
		const type = bodyString(json, "type");
		if (type === undefined) return missingBodyField("type");
		return eventIdentity(id, type, isoToMs(bodyString(json, "created_at")), {});
	},
});

// Typeform webhooks.
//
// Signature: Typeform-Signature: sha256=<base64 HMAC-SHA256 of the raw
// body>, keyed with the webhook's secret. No timestamp is signed.
// Identity: id = body.event_id (inside the signed body), type =
// body.event_type ("form_response"), occurredAt =
// body.form_response.submitted_at.

import type { Preset } from "../types";
import { bodyOnly, hmacPreset, prefixedHeader } from "./scheme";
import { bodyString, eventIdentity, isoToMs, missingBodyField } from "./shared";

export const typeform: Preset<"typeform"> = hmacPreset({
	kind: "typeform",
	defaultToleranceSeconds: null,
	bodyDedupe: false,
	scheme: { hash: "SHA-256", encoding: "base64", read: prefixedHeader("typeform-signature", "sha256="), content: bodyOnly },
	identify(_req, json) {
		const id = bodyString(json, "event_id");
		if (id === undefined) return missingBodyField("event_id");
		const type = bodyString(json, "event_type");
		if (type === undefined) return missingBodyField("event_type");
		return eventIdentity(id, type, isoToMs(bodyString(json, "form_response.submitted_at")), {});
	},
});

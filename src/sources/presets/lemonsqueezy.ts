// Lemon Squeezy webhooks.
//
// Signature: X-Signature: hex HMAC-SHA256 of the raw body, keyed with the
// webhook's signing secret. No timestamp is signed and no event id is
// sent: the event is keyed on the sha256 of its body (a retry sends the
// same bytes), so bodyDedupe.
// Identity: type = body.meta.event_name (also X-Event-Name), occurredAt =
// body.data.attributes.updated_at. Subscription payloads carry no price
// (only price/variant ids), so nothing maps to MRR by default.

import type { Preset } from "../types";
import { bodyOnly, hmacPreset, prefixedHeader } from "./scheme";
import { bodyString, eventIdentity, header, isoToMs, missingBodyField, pickHeaders } from "./shared";

export const lemonsqueezy: Preset<"lemonsqueezy"> = hmacPreset({
	kind: "lemonsqueezy",
	defaultToleranceSeconds: null,
	bodyDedupe: true,
	scheme: { hash: "SHA-256", encoding: "hex", read: prefixedHeader("x-signature"), content: bodyOnly },
	identify(req, json) {
		const type = bodyString(json, "meta.event_name") ?? header(req.headers, "x-event-name");
		if (type === undefined) return missingBodyField("meta.event_name");
		return eventIdentity(
			undefined,
			type,
			isoToMs(bodyString(json, "data.attributes.updated_at")),
			pickHeaders(req.headers, ["x-event-name"]),
		);
	},
});

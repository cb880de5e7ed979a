// Segment (Webhooks destination, "Shared Secret" set).
//
// Signature: X-Signature: hex HMAC-SHA1 of the raw body, keyed with the
// shared secret. No timestamp is signed.
// Identity: id = body.messageId (inside the signed body), type = body.type
// ("track", "identify"), or "track.<event>" for a track call;
// occurredAt = body.timestamp.

import type { Preset } from "../types";
import { bodyOnly, hmacPreset, prefixedHeader } from "./scheme";
import { bodyString, eventIdentity, isoToMs, missingBodyField } from "./shared";

export const segment: Preset<"segment"> = hmacPreset({
	kind: "segment",
	defaultToleranceSeconds: null,
	bodyDedupe: false,
	scheme: { hash: "SHA-1", encoding: "hex", read: prefixedHeader("x-signature"), content: bodyOnly },
	identify(_req, json) {
		const id = bodyString(json, "messageId");
		if (id === undefined) return missingBodyField("messageId");
		const type = bodyString(json, "type");
		if (type === undefined) return missingBodyField("type");
		const event = bodyString(json, "event");
		return eventIdentity(id, type === "track" && event !== undefined ? `track.${event}` : type, isoToMs(bodyString(json, "timestamp")), {});
	},
});

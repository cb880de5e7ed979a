// Vercel webhooks.
//
// Signature: x-vercel-signature: hex HMAC-SHA1 of the raw body, keyed with
// the webhook's secret (the integration's client secret for integration
// webhooks). No timestamp is signed.
// Identity: id = body.id (inside the signed body), type = body.type
// ("deployment.succeeded"), occurredAt = body.createdAt (ms).

import type { Preset } from "../types";
import { bodyOnly, hmacPreset, prefixedHeader } from "./scheme";
import { bodyNumber, bodyString, eventIdentity, missingBodyField } from "./shared";

export const vercel: Preset<"vercel"> = hmacPreset({
	kind: "vercel",
	defaultToleranceSeconds: null,
	bodyDedupe: false,
	scheme: { hash: "SHA-1", encoding: "hex", read: prefixedHeader("x-vercel-signature"), content: bodyOnly },
	identify(_req, json) {
		const id = bodyString(json, "id");
		if (id === undefined) return missingBodyField("id");
		const type = bodyString(json, "type");
		if (type === undefined) return missingBodyField("type");
		return eventIdentity(id, type, bodyNumber(json, "createdAt"), {});
	},
});

// HubSpot webhooks (signature v3).
//
// Signature: X-HubSpot-Signature-v3: base64 HMAC-SHA256 of method + URI +
// raw body + X-HubSpot-Request-Timestamp (unix ms), keyed with the app's
// client secret. The URI is the full request URL with HubSpot's listed
// characters (: / ? @ ! $ ' ( ) * , ;) URL-decoded. Within 300 s (HubSpot's
// advice). The older v1/v2 signatures are not accepted.
// Identity: HubSpot batches up to 100 events in one JSON array and names no
// delivery id: keyed on the body's sha256; type = the first event's
// subscriptionType ("contact.creation"), occurredAt its occurredAt (ms).

import { concatBytes, utf8 } from "../crypto";
import type { Preset } from "../types";
import { hmacPreset, prefixedHeader } from "./scheme";
import { bodyNumber, bodyString, eventIdentity, missingBodyField, pickHeaders } from "./shared";

const DECODED: Readonly<Record<string, string>> = {
	"%3A": ":",
	"%2F": "/",
	"%3F": "?",
	"%40": "@",
	"%21": "!",
	"%24": "$",
	"%27": "'",
	"%28": "(",
	"%29": ")",
	"%2A": "*",
	"%2C": ",",
	"%3B": ";",
};

export function hubspotUri(url: string): string {
	return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()] ?? m);
}

export const hubspot: Preset<"hubspot"> = hmacPreset({
	kind: "hubspot",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	scheme: {
		hash: "SHA-256",
		encoding: "base64",
		read: prefixedHeader("x-hubspot-signature-v3", "", "x-hubspot-request-timestamp"),
		content: (req, ts) => concatBytes(utf8(`${req.method ?? "POST"}${hubspotUri(req.url ?? "")}`), req.body, utf8(ts ?? "")),
		timestamp: "milliseconds",
	},
	identify(req, json) {
		const first = Array.isArray(json) ? json[0] : json;
		const type = bodyString(first, "subscriptionType");
		if (type === undefined) return missingBodyField("0.subscriptionType");
		return eventIdentity(undefined, type, bodyNumber(first, "occurredAt"), pickHeaders(req.headers, ["x-hubspot-request-timestamp"]));
	},
});

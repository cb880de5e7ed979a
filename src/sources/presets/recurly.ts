// Recurly webhooks (JSON format).
//
// Signature: recurly-signature: <unix ms>,<hex>[,<hex>…]; each hex is
// HMAC-SHA256 of "<ms>.<body>" keyed with the endpoint's webhook key (one
// signature per active key while keys rotate). |now − ms| within 300 s.
// Identity: type = "<object_type>.<event_type>" ("subscription.created");
// occurredAt = body.event_time. A notification carries the object's id, not
// an event id, so the event is keyed on the sha256 of its body. The JSON
// notifications carry no price, so nothing maps to MRR by default.

import type { Preset } from "../types";
import { hmacPreset, prefixedBody } from "./scheme";
import { bodyString, eventIdentity, header, isoToMs, missingBodyField } from "./shared";

export const recurly: Preset<"recurly"> = hmacPreset({
	kind: "recurly",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	scheme: {
		hash: "SHA-256",
		encoding: "hex",
		read(req) {
			const value = header(req.headers, "recurly-signature");
			if (value === undefined) return undefined;
			const [timestamp = "", ...signatures] = value.split(",").map((p) => p.trim());
			return { timestamp, signatures };
		},
		content: prefixedBody((_req, ts) => `${ts}.`),
		timestamp: "milliseconds",
	},
	identify(_req, json) {
		const object = bodyString(json, "object_type");
		if (object === undefined) return missingBodyField("object_type");
		const event = bodyString(json, "event_type");
		if (event === undefined) return missingBodyField("event_type");
		return eventIdentity(undefined, `${object}.${event}`, isoToMs(bodyString(json, "event_time")), {});
	},
});

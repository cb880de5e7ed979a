// Linear webhooks.
//
// Signature: Linear-Signature: hex HMAC-SHA256 of the raw body, keyed with
// the webhook's signing secret. The body's webhookTimestamp (unix ms) is
// covered by the signature and must be within 60 s of now (Linear's advice).
// Identity: id = Linear-Delivery, type = "<type>.<action>" ("Issue.create"),
// occurredAt = body.createdAt.

import type { Preset } from "../types";
import { bodyOnly, hmacPreset, prefixedHeader } from "./scheme";
import {
	bodyNumber,
	bodyString,
	eventIdentity,
	header,
	isoToMs,
	isRecord,
	missingBodyField,
	missingHeader,
	parseJsonBody,
	pickHeaders,
} from "./shared";

export const linear: Preset<"linear"> = hmacPreset({
	kind: "linear",
	defaultToleranceSeconds: 60,
	bodyDedupe: false,
	scheme: {
		hash: "SHA-256",
		encoding: "hex",
		read(req) {
			const parts = prefixedHeader("linear-signature")(req);
			if (parts === undefined) return undefined;
			// The signed time is inside the (signed) body.
			const json = parseJsonBody(req.body);
			const ms = isRecord(json) ? bodyNumber(json, "webhookTimestamp") : undefined;
			return { ...parts, ...(ms !== undefined ? { timestamp: String(ms) } : {}) };
		},
		content: bodyOnly,
		timestamp: "milliseconds",
	},
	identify(req, json) {
		const id = header(req.headers, "linear-delivery");
		if (id === undefined) return missingHeader("Linear-Delivery");
		const type = bodyString(json, "type");
		if (type === undefined) return missingBodyField("type");
		const action = bodyString(json, "action");
		return eventIdentity(
			id,
			action === undefined ? type : `${type}.${action}`,
			isoToMs(bodyString(json, "createdAt")),
			pickHeaders(req.headers, ["linear-delivery", "linear-event"]),
		);
	},
});

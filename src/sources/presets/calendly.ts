// Calendly webhooks (v2).
//
// Signature: Calendly-Webhook-Signature: t=<unix s>,v1=<hex HMAC-SHA256 of
// "t.body">, keyed with the subscription's signing key; |now − t| within
// 180 s (Calendly's advice).
// Identity: type = body.event ("invitee.created"), occurredAt =
// body.created_at. Calendly sends no event id: keyed on the body's sha256.

import type { Preset } from "../types";
import { hmacPreset, keyValueHeader, prefixedBody } from "./scheme";
import { bodyString, eventIdentity, isoToMs, missingBodyField } from "./shared";

export const calendly: Preset<"calendly"> = hmacPreset({
	kind: "calendly",
	defaultToleranceSeconds: 180,
	bodyDedupe: false,
	scheme: {
		hash: "SHA-256",
		encoding: "hex",
		read: keyValueHeader("calendly-webhook-signature", { timestamp: "t", signature: "v1" }),
		content: prefixedBody((_req, t) => `${t}.`),
		timestamp: "seconds",
	},
	identify(_req, json) {
		const type = bodyString(json, "event");
		if (type === undefined) return missingBodyField("event");
		return eventIdentity(undefined, type, isoToMs(bodyString(json, "created_at")), {});
	},
});

// Zoom webhooks.
//
// Signature: x-zm-signature: v0=<hex HMAC-SHA256 of
// "v0:<x-zm-request-timestamp>:<body>">, keyed with the app's Secret Token;
// timestamp in unix seconds, within 300 s.
// Handshake: endpoint.url_validation (signed like any event) is answered at
// once with { plainToken, encryptedToken: hex HMAC-SHA256(secret,
// plainToken) }, never queued.
// Identity: type = body.event ("meeting.started"), occurredAt =
// body.event_ts (ms). Zoom sends no event id: keyed on the body's sha256.

import { bytesToHex, hmacSha256, utf8 } from "../crypto";
import type { Preset } from "../types";
import { hmacPreset, prefixedBody, prefixedHeader } from "./scheme";
import { bodyNumber, bodyString, eventIdentity, missingBodyField, pickHeaders } from "./shared";

export const zoom: Preset<"zoom"> = hmacPreset({
	kind: "zoom",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	scheme: {
		hash: "SHA-256",
		encoding: "hex",
		read: prefixedHeader("x-zm-signature", "v0=", "x-zm-request-timestamp"),
		content: prefixedBody((_req, ts) => `v0:${ts}:`),
		timestamp: "seconds",
	},
	async handshake(_req, json, secrets) {
		if (bodyString(json, "event") !== "endpoint.url_validation") return undefined;
		const plainToken = bodyString(json, "payload.plainToken");
		if (plainToken === undefined) return missingBodyField("payload.plainToken");
		const encryptedToken = bytesToHex(await hmacSha256(secrets[0] ?? "", utf8(plainToken)));
		return { kind: "control", reason: "zoom_url_validation", status: 200, body: { plainToken, encryptedToken } };
	},
	identify(req, json) {
		const type = bodyString(json, "event");
		if (type === undefined) return missingBodyField("event");
		return eventIdentity(undefined, type, bodyNumber(json, "event_ts"), pickHeaders(req.headers, ["x-zm-trackingid"]));
	},
});

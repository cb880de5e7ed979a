// Twitch EventSub over webhooks.
//
// Signature: Twitch-Eventsub-Message-Signature: sha256=<hex HMAC-SHA256 of
// message id + message timestamp + raw body>, keyed with the subscription's
// secret. The timestamp (RFC 3339, nanoseconds) must be within 600 s
// (Twitch's 10 minutes).
// Handshake: webhook_callback_verification is answered 200 with the
// challenge as text/plain, never queued.
// Identity: id = Twitch-Eventsub-Message-Id (kept by retries), type =
// body.subscription.type ("channel.follow"), "revocation.<type>" for a
// revocation; occurredAt = the message timestamp.

import type { Preset } from "../types";
import { hmacPreset, prefixedBody, prefixedHeader, signedSeconds } from "./scheme";
import { bodyString, eventIdentity, header, missingBodyField, missingHeader, pickHeaders } from "./shared";

const ID = "twitch-eventsub-message-id";
const TIMESTAMP = "twitch-eventsub-message-timestamp";
const TYPE = "twitch-eventsub-message-type";

export const twitch: Preset<"twitch"> = hmacPreset({
	kind: "twitch",
	defaultToleranceSeconds: 600,
	bodyDedupe: false,
	scheme: {
		hash: "SHA-256",
		encoding: "hex",
		read: prefixedHeader("twitch-eventsub-message-signature", "sha256=", TIMESTAMP),
		content: prefixedBody((req, ts) => `${header(req.headers, ID) ?? ""}${ts}`),
		timestamp: "iso",
	},
	identify(req, json) {
		const messageType = header(req.headers, TYPE);
		if (messageType === "webhook_callback_verification") {
			const challenge = bodyString(json, "challenge");
			if (challenge === undefined) return missingBodyField("challenge");
			return { kind: "control", reason: "twitch_challenge", status: 200, body: challenge };
		}
		const id = header(req.headers, ID);
		if (id === undefined) return missingHeader("Twitch-Eventsub-Message-Id");
		const type = bodyString(json, "subscription.type");
		if (type === undefined) return missingBodyField("subscription.type");
		const at = signedSeconds(header(req.headers, TIMESTAMP) ?? "", "iso");
		return eventIdentity(
			id,
			messageType === "revocation" ? `revocation.${type}` : type,
			at === null ? undefined : Math.round(at * 1000),
			pickHeaders(req.headers, [ID, TYPE, "twitch-eventsub-subscription-type", "twitch-eventsub-subscription-version"]),
		);
	},
});

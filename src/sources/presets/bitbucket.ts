// Bitbucket Cloud webhooks (with a secret set).
//
// Signature: X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>,
// keyed with the webhook's secret. No timestamp is signed; the id is an
// unsigned header, so bodyDedupe.
// Identity: id = X-Request-UUID (X-Hook-UUID is the webhook's, not the
// event's), type = X-Event-Key ("repo:push").

import type { Preset } from "../types";
import { bodyOnly, hmacPreset, prefixedHeader } from "./scheme";
import { eventIdentity, header, missingHeader, pickHeaders } from "./shared";

export const bitbucket: Preset<"bitbucket"> = hmacPreset({
	kind: "bitbucket",
	defaultToleranceSeconds: null,
	bodyDedupe: true,
	scheme: { hash: "SHA-256", encoding: "hex", read: prefixedHeader("x-hub-signature", "sha256="), content: bodyOnly },
	identify(req) {
		const id = header(req.headers, "x-request-uuid");
		if (id === undefined) return missingHeader("X-Request-UUID");
		const type = header(req.headers, "x-event-key");
		if (type === undefined) return missingHeader("X-Event-Key");
		return eventIdentity(
			id,
			type,
			undefined,
			pickHeaders(req.headers, ["x-event-key", "x-hook-uuid", "x-request-uuid", "x-attempt-number"]),
		);
	},
});

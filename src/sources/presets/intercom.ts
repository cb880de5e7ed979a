// Intercom webhooks.
//
// Signature: X-Hub-Signature: sha1=<hex HMAC-SHA1 of the raw body>, keyed
// with the app's client secret. No timestamp is signed.
// Identity: id = body.id ("notif_…", inside the signed body), type =
// body.topic ("conversation.user.created"), occurredAt = body.created_at
// (unix s).

import type { Preset } from "../types";
import { bodyOnly, hmacPreset, prefixedHeader } from "./scheme";
import { identityFromBody } from "./shared";

export const intercom: Preset<"intercom"> = hmacPreset({
	kind: "intercom",
	defaultToleranceSeconds: null,
	bodyDedupe: false,
	scheme: { hash: "SHA-1", encoding: "hex", read: prefixedHeader("x-hub-signature", "sha1="), content: bodyOnly },
	identify: (_req, json) => identityFromBody(json, { id: "id", type: "topic", unixSeconds: "created_at" }, {}),
});

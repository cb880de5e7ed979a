// Postmark webhooks.
//
// Authentication: HTTP Basic auth credentials put in the webhook URL
// (https://user:password@<worker>/webhook/postmark); the secret is
// "user:password", compared in constant time. Nothing is signed, so
// bodyDedupe; Postmark sends no delivery id either: keyed on the body's
// sha256.
// Identity: type = body.RecordType ("Bounce", "Delivery", "Open"),
// occurredAt = BouncedAt / DeliveredAt / ReceivedAt.

import type { Preset } from "../types";
import { verifyBasicAuth } from "./scheme";
import { bodyString, eventIdentity, isoToMs, missingBodyField } from "./shared";

export const postmark: Preset<"postmark"> = {
	kind: "postmark",
	defaultToleranceSeconds: null,
	bodyDedupe: true,
	verify: (req, secrets) => verifyBasicAuth("postmark", req, secrets),
	identify(_req, json) {
		const type = bodyString(json, "RecordType");
		if (type === undefined) return missingBodyField("RecordType");
		const at = ["BouncedAt", "DeliveredAt", "ReceivedAt", "ChangedAt"]
			.map((f) => isoToMs(bodyString(json, f)))
			.find((v) => v !== undefined);
		return eventIdentity(undefined, type, at, {});
	},
	mappings: {},
};

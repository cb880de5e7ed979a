// Clerk webhooks (sent through Svix).
//
// Signature: Standard Webhooks under svix-id / svix-timestamp /
// svix-signature (`v1,<base64>` of "id.timestamp.body"), secret `whsec_…`
// from the Clerk Dashboard (Webhooks → endpoint → Signing Secret), within
// 300 s. Identity: id = svix-id (kept by retries), type = body.type
// ("user.created"), occurredAt = body.timestamp (ms) when present.

import type { MappingTable } from "../mapping-rules";
import type { Preset } from "../types";
import { bodyNumber, bodyString, eventIdentity, isRecord, missingBodyField } from "./shared";
import { standardIdentify, standardSecretKey, standardVerify } from "./standard";

export const clerkMappings: MappingTable = {
	"user.created": {
		type: "user_signup",
		fields: {
			user_id: "data.id",
			"metadata.email": { path: "data.email_addresses.0.email_address", optional: true },
			"metadata.source": { const: "clerk" },
		},
	},
};

const identify = standardIdentify();

export const clerk: Preset<"clerk"> = {
	kind: "clerk",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	verify: standardVerify("clerk", (secret) => standardSecretKey(secret, "clerk")),
	identify(req, json) {
		const identified = identify(req, json);
		if (identified.kind !== "event" || !isRecord(json)) return identified;
		// Clerk's body.timestamp is ms since the epoch, not ISO.
		const ms = bodyNumber(json, "timestamp");
		const type = bodyString(json, "type");
		if (type === undefined) return missingBodyField("type");
		return eventIdentity(identified.id, type, ms ?? identified.occurredAt, identified.headers);
	},
	mappings: clerkMappings,
};

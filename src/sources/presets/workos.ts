// WorkOS webhooks.
//
// Signature: WorkOS-Signature: t=<unix ms>, v1=<hex HMAC-SHA256 of
// "t.body">, keyed with the endpoint's secret as a string; |now − t| within
// 180 s by default (the WorkOS SDK's default tolerance).
// Identity: id = body.id ("event_01…"), type = body.event ("user.created"),
// occurredAt = body.created_at (ISO).
//
// Mapping: user.created → user_signup.

import type { MappingTable } from "../mapping-rules";
import type { Preset } from "../types";
import { hmacPreset, keyValueHeader, prefixedBody } from "./scheme";
import { bodyString, eventIdentity, isoToMs, missingBodyField } from "./shared";

export const workosMappings: MappingTable = {
	"user.created": {
		type: "user_signup",
		fields: {
			user_id: "data.id",
			"metadata.email": { path: "data.email", optional: true },
			"metadata.source": { const: "workos" },
		},
	},
};

export const workos: Preset<"workos"> = hmacPreset({
	kind: "workos",
	defaultToleranceSeconds: 180,
	bodyDedupe: false,
	scheme: {
		hash: "SHA-256",
		encoding: "hex",
		read: keyValueHeader("workos-signature", { timestamp: "t", signature: "v1" }),
		content: prefixedBody((_req, t) => `${t}.`),
		timestamp: "milliseconds",
	},
	identify(_req, json) {
		const id = bodyString(json, "id");
		if (id === undefined) return missingBodyField("id");
		const type = bodyString(json, "event");
		if (type === undefined) return missingBodyField("event");
		return eventIdentity(id, type, isoToMs(bodyString(json, "created_at")), {});
	},
	mappings: workosMappings,
});

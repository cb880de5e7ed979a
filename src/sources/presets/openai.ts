// OpenAI webhooks (batch, fine-tuning, response and eval events).
//
// Signature: Standard Webhooks, webhook-id / webhook-timestamp /
// webhook-signature, secret `whsec_…` shown once when the endpoint is
// created (platform.openai.com → Settings → Webhooks), within 300 s.
// Identity: id = webhook-id (the event id `evt_…` is also body.id), type =
// body.type ("batch.completed"), occurredAt = body.created_at (unix s).

import type { Preset } from "../types";
import { bodyNumber, eventIdentity, isRecord } from "./shared";
import { standardIdentify, standardSecretKey, standardVerify } from "./standard";

const identify = standardIdentify();

export const openai: Preset<"openai"> = {
	kind: "openai",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	verify: standardVerify("openai", (secret) => standardSecretKey(secret, "openai")),
	identify(req, json) {
		const identified = identify(req, json);
		if (identified.kind !== "event" || !isRecord(json)) return identified;
		const created = bodyNumber(json, "created_at");
		return eventIdentity(
			identified.id,
			identified.type,
			created !== undefined ? created * 1000 : identified.occurredAt,
			identified.headers,
		);
	},
	mappings: {},
};

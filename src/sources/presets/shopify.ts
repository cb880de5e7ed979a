// Shopify webhooks.
//
// Signature: header X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body,
// keyed with the app's client secret (or the store's webhook signing key for
// store-admin webhooks). No timestamp is signed.
//
// Identity: id = X-Shopify-Event-Id (Shopify's documented duplicate key),
// falling back to X-Shopify-Webhook-Id; type = X-Shopify-Topic
// ("customers/create"); occurredAt = X-Shopify-Triggered-At (ISO 8601).

import { hmacSha256MatchesAny } from "../crypto";
import type { MappingTable } from "../mapping-rules";
import type { DeliveryRequest, Identification, Preset, Verdict } from "../types";
import { eventIdentity, header, isoToMs, MISMATCH, MISSING, missingHeader, OK, pickHeaders, requireSecrets } from "./shared";

export const SHOPIFY_SIGNATURE_HEADER = "x-shopify-hmac-sha256";

const USEFUL_HEADERS = [
	"x-shopify-topic",
	"x-shopify-shop-domain",
	"x-shopify-api-version",
	"x-shopify-event-id",
	"x-shopify-webhook-id",
	"x-shopify-triggered-at",
	"x-shopify-sub-topic",
] as const;

async function verify(req: DeliveryRequest, secrets: readonly string[]): Promise<Verdict> {
	requireSecrets("shopify", secrets);
	const value = header(req.headers, SHOPIFY_SIGNATURE_HEADER);
	if (value === undefined) return MISSING;
	return (await hmacSha256MatchesAny(secrets, [value], "base64", req.body)) ? OK : MISMATCH;
}

function identify(req: DeliveryRequest, _json: unknown): Identification {
	const eventId = header(req.headers, "x-shopify-event-id");
	const id = eventId ?? header(req.headers, "x-shopify-webhook-id");
	if (id === undefined) return missingHeader("X-Shopify-Event-Id");
	const type = header(req.headers, "x-shopify-topic");
	if (type === undefined) return missingHeader("X-Shopify-Topic");
	const occurredAt = isoToMs(header(req.headers, "x-shopify-triggered-at"));
	return eventIdentity(id, type, occurredAt, pickHeaders(req.headers, USEFUL_HEADERS), {
		id: eventId !== undefined ? "X-Shopify-Event-Id" : "X-Shopify-Webhook-Id",
		type: "X-Shopify-Topic",
	});
}

export const shopifyMappings: MappingTable = {
	// The REST-shaped customer payload. Its numeric id is 64-bit and can exceed
	// 2^53, which JSON.parse rounds, so the exact GraphQL id string comes first
	// (gid://shopify/Customer/<id>); email may be null.
	"customers/create": {
		type: "user_signup",
		fields: {
			user_id: { path: ["admin_graphql_api_id", "id"], transform: "string" },
			"metadata.email": { path: "email", optional: true },
			"metadata.source": { const: "shopify" },
		},
	},
};

export const shopify: Preset<"shopify"> = {
	kind: "shopify",
	defaultToleranceSeconds: null,
	// The id is an unsigned header and no timestamp is signed.
	bodyDedupe: true,
	verify,
	identify,
	mappings: shopifyMappings,
};

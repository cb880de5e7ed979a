// Standard Webhooks (standardwebhooks.com; Svix, Resend, Clerk, … send these).
//
// Signature: webhook-signature is a space-separated list of
// `<version>,<base64>`; each v1 entry is base64 HMAC-SHA256 of
// `${webhook-id}.${webhook-timestamp}.${raw body}`. Other versions (v1a is
// asymmetric) are ignored. The key is the base64-decoded part of the secret
// after `whsec_` (a secret without the prefix is decoded whole, as the
// reference library does). Any entry may match. |now − webhook-timestamp| ≤
// 300 s by default.
//
// Identity: id = webhook-id; type = body.type; occurredAt = body.timestamp
// when it is an ISO date-time (the spec's "when the event occurred", stable
// across retries), else webhook-timestamp (when this attempt was signed).

import { base64ToBytes, concatBytes, hmacSha256MatchesAny, utf8 } from "../crypto";
import type { MappingTable } from "../mapping-rules";
import type { DeliveryRequest, Identification, Preset, Verdict, VerifyOptions } from "../types";
import {
	bodyString,
	eventIdentity,
	header,
	isoToMs,
	MISMATCH,
	MISSING,
	missingBodyField,
	missingHeader,
	OK,
	parseUnixSeconds,
	pickHeaders,
	requireSecrets,
	SecretFormatError,
	STALE,
	withinTolerance,
} from "./shared";

export const STANDARD_SIGNATURE_HEADER = "webhook-signature";

const USEFUL_HEADERS = ["webhook-id", "webhook-timestamp", "svix-id", "svix-timestamp"] as const;

// Svix (and senders built on it: Clerk, Resend, …) sends the same scheme
// under svix-id / svix-timestamp / svix-signature; the webhook-* names win
// when both are present.
function standardHeader(headers: DeliveryRequest["headers"], name: "id" | "timestamp" | "signature"): string | undefined {
	return header(headers, `webhook-${name}`) ?? header(headers, `svix-${name}`);
}

// The HMAC key a Standard Webhooks secret stands for; throws
// SecretFormatError when it is not base64.
export function standardSecretKey(secret: string, kind = "standard"): Uint8Array {
	const encoded = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
	const key = base64ToBytes(encoded);
	if (key === null || key.length === 0) throw new SecretFormatError(kind, "must be whsec_ followed by base64");
	return key;
}

export type StandardKey = (secret: string) => Uint8Array;

export function standardVerify(kind: string, keyOf: StandardKey) {
	return (req: DeliveryRequest, secrets: readonly string[], opts: VerifyOptions) => verifyStandard(kind, keyOf, req, secrets, opts);
}

async function verifyStandard(
	kind: string,
	keyOf: StandardKey,
	req: DeliveryRequest,
	secrets: readonly string[],
	opts: VerifyOptions,
): Promise<Verdict> {
	requireSecrets(kind, secrets);
	const keys = secrets.map(keyOf);
	const id = standardHeader(req.headers, "id");
	const timestamp = standardHeader(req.headers, "timestamp");
	const list = standardHeader(req.headers, "signature");
	if (id === undefined || timestamp === undefined || list === undefined) return MISSING;
	const v1 = list
		.split(" ")
		.filter((entry) => entry.startsWith("v1,"))
		.map((entry) => entry.slice(3));
	if (v1.length === 0) return MISSING;
	const signedAt = parseUnixSeconds(timestamp);
	if (signedAt === null) return MISMATCH;
	const signed = concatBytes(utf8(`${id}.${timestamp}.`), req.body);
	if (!(await hmacSha256MatchesAny(keys, v1, "base64", signed))) return MISMATCH;
	return withinTolerance(signedAt, opts) ? OK : STALE;
}

// The Standard Webhooks identity; `typeOf` reads the event type when a
// sender puts it elsewhere than body.type (Supabase's auth hooks).
export function standardIdentify(typeOf: (json: unknown) => string | undefined = (json) => bodyString(json, "type")) {
	return (req: DeliveryRequest, json: unknown) => identifyStandard(req, json, typeOf);
}

function identifyStandard(req: DeliveryRequest, json: unknown, typeOf: (json: unknown) => string | undefined): Identification {
	const id = standardHeader(req.headers, "id");
	if (id === undefined) return missingHeader("webhook-id");
	const type = typeOf(json);
	if (type === undefined) return missingBodyField("type");
	const signedAt = parseUnixSeconds(standardHeader(req.headers, "timestamp"));
	const occurredAt = isoToMs(bodyString(json, "timestamp")) ?? (signedAt !== null ? signedAt * 1000 : undefined);
	return eventIdentity(id, type, occurredAt, pickHeaders(req.headers, USEFUL_HEADERS), {
		id: header(req.headers, "webhook-id") !== undefined ? "webhook-id" : "svix-id",
		type: "type",
	});
}

// Standard Webhooks fixes the envelope, not the event types: a source adds
// rules for its sender's types in its config's mapping.
export const standardMappings: MappingTable = {};

export const standard: Preset<"standard"> = {
	kind: "standard",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	verify: standardVerify("standard", (secret) => standardSecretKey(secret)),
	identify: standardIdentify(),
	mappings: standardMappings,
};

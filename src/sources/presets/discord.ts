// Discord: Webhook Events and the Interactions endpoint.
//
// Signature: X-Signature-Ed25519: hex Ed25519 signature of
// X-Signature-Timestamp (unix s) followed by the raw body, under the
// application's public key (hex, from the Developer Portal's General
// Information page; nothing secret is stored). The timestamp must be within
// 300 s.
// Handshakes (answered at once, never queued):
//  - an Interactions PING (type 1) → 200 {"type":1};
//  - a Webhook Events PING (type 0) → 204.
// Identity: a Webhook Event (type 1 with an `event`) has no id: keyed on the
// body's sha256; type = event.type ("APPLICATION_AUTHORIZED"), occurredAt =
// event.timestamp. Other interactions: id = body.id, type =
// "interaction.<type>" (an Interactions endpoint that must answer with a
// message needs its own code; this only archives them).

import { concatBytes, hexToBytes, utf8 } from "../crypto";
import type { DeliveryRequest, Preset, Verdict, VerifyOptions } from "../types";
import { signedSeconds } from "./scheme";
import {
	bodyNumber,
	bodyString,
	bodyValue,
	eventIdentity,
	header,
	isoToMs,
	isRecord,
	MISMATCH,
	MISSING,
	missingBodyField,
	OK,
	requireSecrets,
	SecretFormatError,
	STALE,
	withinTolerance,
} from "./shared";

type VerifyKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keys = new Map<string, Promise<VerifyKey>>();

function publicKey(secret: string): Promise<VerifyKey> {
	let key = keys.get(secret);
	if (!key) {
		const raw = hexToBytes(secret);
		if (raw === null || raw.length !== 32) throw new SecretFormatError("discord", "must be the application's public key (64 hex digits)");
		key = crypto.subtle.importKey("raw", raw, { name: "Ed25519" }, false, ["verify"]);
		key.catch(() => keys.delete(secret));
		if (keys.size >= 16) keys.clear();
		keys.set(secret, key);
	}
	return key;
}

async function verify(req: DeliveryRequest, secrets: readonly string[], opts: VerifyOptions): Promise<Verdict> {
	requireSecrets("discord", secrets);
	const verifiers = await Promise.all(
		secrets.map((s) =>
			publicKey(s).catch(() => {
				throw new SecretFormatError("discord", "is not an Ed25519 public key");
			}),
		),
	);
	const value = header(req.headers, "x-signature-ed25519");
	const timestamp = header(req.headers, "x-signature-timestamp");
	if (value === undefined || timestamp === undefined) return MISSING;
	const at = signedSeconds(timestamp, "seconds");
	const signature = hexToBytes(value);
	if (at === null || signature === null || signature.length !== 64) return MISMATCH;
	const data = concatBytes(utf8(timestamp), req.body);
	let matched = false;
	for (const key of verifiers) matched = (await crypto.subtle.verify({ name: "Ed25519" }, key, signature, data)) || matched;
	if (!matched) return MISMATCH;
	return withinTolerance(at, opts) ? OK : STALE;
}

export const discord: Preset<"discord"> = {
	kind: "discord",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	verify,
	identify(_req, json) {
		if (!isRecord(json)) return missingBodyField("type", "present: the body must be a JSON object");
		const type = bodyNumber(json, "type");
		// Interactions carry their own token; Webhook Events never do.
		const isEvent = isRecord(bodyValue(json, "event")) || bodyString(json, "token") === undefined;
		if (type === 1 && !isEvent) return { kind: "control", reason: "discord_ping", status: 200, body: { type: 1 } };
		if (type === 0 && isEvent) return { kind: "control", reason: "discord_webhook_ping", status: 204, body: "" };
		if (isEvent) {
			const eventType = bodyString(json, "event.type");
			if (eventType === undefined) return missingBodyField("event.type");
			return eventIdentity(undefined, eventType, isoToMs(bodyString(json, "event.timestamp")), {});
		}
		const id = bodyString(json, "id");
		if (id === undefined || type === undefined) return missingBodyField("id");
		return eventIdentity(id, `interaction.${type}`, undefined, {});
	},
	mappings: {},
};

// SendGrid (Twilio SendGrid) Event Webhook, with signature verification on.
//
// Signature: X-Twilio-Email-Event-Webhook-Signature: base64 DER ECDSA
// P-256/SHA-256 signature of X-Twilio-Email-Event-Webhook-Timestamp (unix s)
// followed by the raw body. The configured "secret" is the public
// verification key SendGrid shows (base64 SPKI): nothing secret is stored.
// The timestamp must be within 600 s.
// Identity: the body is a JSON array of events (each with sg_event_id) and
// a retry resends the same bytes: keyed on the body's sha256; type = the
// events' common type ("delivered"), "batch" when they differ; occurredAt =
// the first event's timestamp (unix s).

import { base64ToBytes, concatBytes, utf8 } from "../crypto";
import type { DeliveryRequest, Preset, Verdict, VerifyOptions } from "../types";
import { signedSeconds } from "./scheme";
import {
	bodyNumber,
	bodyString,
	eventIdentity,
	header,
	MISMATCH,
	MISSING,
	missingBodyField,
	OK,
	requireSecrets,
	SecretFormatError,
	STALE,
	withinTolerance,
} from "./shared";

const SIGNATURE = "x-twilio-email-event-webhook-signature";
const TIMESTAMP = "x-twilio-email-event-webhook-timestamp";

type VerifyKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keys = new Map<string, Promise<VerifyKey>>();

function publicKey(secret: string): Promise<VerifyKey> {
	let key = keys.get(secret);
	if (!key) {
		const der = base64ToBytes(secret.replace(/-----[^-]+-----|\s/g, ""));
		if (der === null || der.length === 0) throw new SecretFormatError("sendgrid", "must be the base64 public key SendGrid shows");
		key = crypto.subtle.importKey("spki", der, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
		key.catch(() => keys.delete(secret));
		if (keys.size >= 16) keys.clear();
		keys.set(secret, key);
	}
	return key;
}

// A DER ECDSA signature (SEQUENCE of two INTEGERs) as the 64-byte r‖s Web
// Crypto verifies; null when it is not one.
export function derToP1363(der: Uint8Array): Uint8Array | null {
	if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
	const out = new Uint8Array(64);
	let at = 2;
	for (const offset of [0, 32]) {
		if (der[at] !== 0x02) return null;
		const length = der[at + 1] ?? 0;
		let int = der.subarray(at + 2, at + 2 + length);
		if (int.length !== length || length === 0) return null;
		while (int.length > 32 && int[0] === 0) int = int.subarray(1);
		if (int.length > 32) return null;
		out.set(int, offset + 32 - int.length);
		at += 2 + length;
	}
	return at === der.length ? out : null;
}

async function verify(req: DeliveryRequest, secrets: readonly string[], opts: VerifyOptions): Promise<Verdict> {
	requireSecrets("sendgrid", secrets);
	const verifiers = await Promise.all(
		secrets.map((s) =>
			publicKey(s).catch(() => {
				throw new SecretFormatError("sendgrid", "is not a P-256 public key (base64 SPKI)");
			}),
		),
	);
	const value = header(req.headers, SIGNATURE);
	const timestamp = header(req.headers, TIMESTAMP);
	if (value === undefined || timestamp === undefined) return MISSING;
	const at = signedSeconds(timestamp, "seconds");
	const der = base64ToBytes(value);
	const signature = der === null ? null : derToP1363(der);
	if (at === null || signature === null) return MISMATCH;
	const data = concatBytes(utf8(timestamp), req.body);
	let matched = false;
	for (const key of verifiers) {
		matched = (await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, data)) || matched;
	}
	if (!matched) return MISMATCH;
	return withinTolerance(at, opts) ? OK : STALE;
}

export const sendgrid: Preset<"sendgrid"> = {
	kind: "sendgrid",
	defaultToleranceSeconds: 600,
	bodyDedupe: false,
	verify,
	identify(_req, json) {
		if (!Array.isArray(json) || json.length === 0) return missingBodyField("0.event", "present: the body must be a JSON array of events");
		const types = new Set(json.map((e) => bodyString(e, "event")));
		const first = [...types][0];
		if (first === undefined) return missingBodyField("0.event");
		const seconds = bodyNumber(json[0], "timestamp");
		return eventIdentity(undefined, types.size === 1 ? first : "batch", seconds === undefined ? undefined : seconds * 1000, {});
	},
	mappings: {},
};

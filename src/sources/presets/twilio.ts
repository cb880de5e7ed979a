// Twilio webhooks (Messaging/Voice status callbacks, incoming messages,
// Event Streams webhook sinks).
//
// Signature: X-Twilio-Signature: base64 HMAC-SHA1 (HMAC-SHA256 when
// X-Twilio-Webhooks-Signature-Settings says algorithm=HMAC_SHA256) keyed
// with the account's Auth Token, over:
//  - a form-urlencoded body: the full URL Twilio requested, then every
//    parameter name followed by its value, names sorted (a repeated name's
//    distinct values sorted too);
//  - a JSON body: the URL alone, which carries bodySHA256=<hex sha256 of the
//    body>; that hash must match the body too.
// The URL is tried as received and with the scheme's default port added or
// removed, as Twilio's own library does. Nothing time-based is signed and the
// id is an unsigned header, so bodyDedupe.
// Identity: id = I-Twilio-Idempotency-Token when sent (kept by retries),
// else the body's sha256; type = "message.<MessageStatus>" /
// "call.<CallStatus>" for status callbacks, "message.received" for an
// incoming message, the first CloudEvent's type for Event Streams, else
// "twilio.webhook".

import { anyHmacMatches, base64ToBytes, bytesToHex, type HmacHash, sha256, timingSafeEqual, utf8 } from "../crypto";
import type { DeliveryRequest, Preset, Verdict } from "../types";
import { bodyString, eventIdentity, formPairs, header, isRecord, MISMATCH, MISSING, OK, pickHeaders, requireSecrets } from "./shared";

function algorithm(req: DeliveryRequest): HmacHash | null {
	const settings = header(req.headers, "x-twilio-webhooks-signature-settings") ?? "";
	for (const part of settings.split(",")) {
		const [name, value] = part.split("=").map((s) => s.trim());
		if (name === "algorithm" && value)
			return value.toUpperCase() === "HMAC_SHA256" ? "SHA-256" : value.toUpperCase() === "HMAC_SHA1" ? "SHA-1" : null;
	}
	return "SHA-1";
}

// The URL as received, plus it with the default port added or removed.
export function twilioUrlVariants(url: string): string[] {
	const match = /^(https?):\/\/([^/?#:]+)(:\d+)?(.*)$/i.exec(url);
	if (!match) return [url];
	const [, scheme = "", host = "", port, rest = ""] = match;
	const standard = scheme.toLowerCase() === "https" ? ":443" : ":80";
	return port ? [url, `${scheme}://${host}${rest}`] : [url, `${scheme}://${host}${standard}${rest}`];
}

// What Twilio signs after the URL for a form body.
export function twilioFormSuffix(body: Uint8Array): string {
	const byName = new Map<string, Set<string>>();
	for (const [name, value] of formPairs(body)) {
		const values = byName.get(name) ?? new Set<string>();
		values.add(value);
		byName.set(name, values);
	}
	return [...byName.keys()]
		.sort()
		.map((name) =>
			[...(byName.get(name) ?? [])]
				.sort()
				.map((v) => `${name}${v}`)
				.join(""),
		)
		.join("");
}

function isJsonRequest(req: DeliveryRequest, url: string): boolean {
	return url.includes("bodySHA256=") || /json/i.test(header(req.headers, "content-type") ?? "");
}

async function verify(req: DeliveryRequest, secrets: readonly string[]): Promise<Verdict> {
	requireSecrets("twilio", secrets);
	const value = header(req.headers, "x-twilio-signature");
	if (value === undefined) return MISSING;
	const hash = algorithm(req);
	const signature = base64ToBytes(value);
	if (hash === null || signature === null) return MISMATCH;
	const url = req.url ?? "";
	let suffix = "";
	if (isJsonRequest(req, url)) {
		const claimed = URL.canParse(url) ? new URL(url).searchParams.get("bodySHA256") : null;
		if (claimed === null) return MISMATCH;
		if (!timingSafeEqual(utf8(bytesToHex(await sha256(req.body))), utf8(claimed.toLowerCase()))) return MISMATCH;
	} else {
		suffix = twilioFormSuffix(req.body);
	}
	let matched = false;
	for (const candidate of twilioUrlVariants(url)) {
		matched = (await anyHmacMatches(hash, secrets, [signature], utf8(`${candidate}${suffix}`))) || matched;
	}
	return matched ? OK : MISMATCH;
}

function typeOf(json: unknown): string {
	if (Array.isArray(json)) return bodyString(json[0], "type") ?? "twilio.webhook";
	if (!isRecord(json)) return "twilio.webhook";
	const message = bodyString(json, "MessageStatus") ?? bodyString(json, "SmsStatus");
	const call = bodyString(json, "CallStatus");
	if (call !== undefined) return `call.${call}`;
	if (message !== undefined) return message === "received" ? "message.received" : `message.${message}`;
	return bodyString(json, "type") ?? "twilio.webhook";
}

export const twilio: Preset<"twilio"> = {
	kind: "twilio",
	defaultToleranceSeconds: null,
	bodyDedupe: true,
	verify,
	identify(req, json) {
		const id = header(req.headers, "i-twilio-idempotency-token");
		return eventIdentity(id, typeOf(json), undefined, pickHeaders(req.headers, ["i-twilio-idempotency-token", "x-home-region"]));
	},
	mappings: {},
};

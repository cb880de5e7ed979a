// The building blocks most presets are made of: an HMAC over some signed
// content, read from one or two headers, with or without a signed
// timestamp. A named preset states its provider's recipe as an HmacScheme
// (and its own identify); the configurable `hmac` kind builds one from a
// source's settings (./hmac.ts). Everything is over the raw body bytes.

import {
	anyHmacMatches,
	base64ToBytes,
	concatBytes,
	type HmacHash,
	hexToBytes,
	MAX_SIGNATURE_CANDIDATES,
	sha256,
	timingSafeEqual,
	utf8,
} from "../crypto";
import type { MappingTable } from "../mapping-rules";
import type { DeliveryRequest, Preset, Verdict, VerifyOptions } from "../types";
import { header, MISMATCH, MISSING, OK, requireSecrets, SecretFormatError, STALE, withinTolerance } from "./shared";

// What a delivery carries: the candidate signatures (still encoded) and,
// for schemes that sign one, the timestamp exactly as sent.
export interface SignatureParts {
	readonly signatures: readonly string[];
	readonly timestamp?: string;
}

export interface HmacScheme {
	readonly hash: HmacHash;
	readonly encoding: "hex" | "base64";
	// The signature (and timestamp) as sent; undefined when absent.
	read(req: DeliveryRequest): SignatureParts | undefined;
	// The bytes the provider signs, given the timestamp as sent.
	content(req: DeliveryRequest, timestamp: string | undefined): Uint8Array;
	// How the signed timestamp counts; absent when none is signed.
	readonly timestamp?: "seconds" | "milliseconds" | "iso";
	// The HMAC key a configured secret stands for (default: its UTF-8 bytes).
	key?(secret: string): string | Uint8Array;
}

// A signed timestamp as unix seconds; null when it is not one.
export function signedSeconds(text: string, unit: NonNullable<HmacScheme["timestamp"]>): number | null {
	if (unit === "iso") {
		// RFC 3339, fractions of any length (Twitch sends nanoseconds).
		const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(text);
		if (!match) return null;
		const ms = Date.parse(`${match[1]}${match[3]}`);
		return Number.isFinite(ms) ? ms / 1000 : null;
	}
	if (!/^\d{1,15}$/.test(text)) return null;
	const n = Number(text);
	return unit === "milliseconds" ? n / 1000 : n;
}

function decode(encoding: HmacScheme["encoding"], text: string): Uint8Array | null {
	return encoding === "hex" ? hexToBytes(text.trim()) : base64ToBytes(text);
}

// Verifies a delivery against an HMAC scheme: any candidate, any secret;
// the signature is checked before the timestamp, so STALE means genuine.
export async function verifyHmacScheme(
	kind: string,
	scheme: HmacScheme,
	req: DeliveryRequest,
	secrets: readonly string[],
	opts: VerifyOptions,
): Promise<Verdict> {
	requireSecrets(kind, secrets);
	const keys = secrets.map((s) => (scheme.key ? scheme.key(s) : s));
	const parts = scheme.read(req);
	if (parts === undefined || parts.signatures.length === 0) return MISSING;
	if (scheme.timestamp !== undefined && parts.timestamp === undefined) return MISSING;
	const at = scheme.timestamp !== undefined && parts.timestamp !== undefined ? signedSeconds(parts.timestamp, scheme.timestamp) : undefined;
	if (at === null) return MISMATCH;
	const candidates = parts.signatures
		.slice(0, MAX_SIGNATURE_CANDIDATES)
		.map((s) => decode(scheme.encoding, s))
		.filter((b): b is Uint8Array => b !== null);
	if (!(await anyHmacMatches(scheme.hash, keys, candidates, scheme.content(req, parts.timestamp)))) return MISMATCH;
	if (at !== undefined && !withinTolerance(at, opts)) return STALE;
	return OK;
}

// ---- reading signatures ----------------------------------------------------

// One header, optionally behind a prefix ("sha256=", "v0="); a value
// without the prefix carries no signature of this scheme.
export function prefixedHeader(name: string, prefix = "", timestampHeader?: string): HmacScheme["read"] {
	return (req) => {
		const value = header(req.headers, name);
		if (value === undefined) return undefined;
		if (!value.toLowerCase().startsWith(prefix.toLowerCase())) return { signatures: [] };
		const timestamp = timestampHeader === undefined ? undefined : header(req.headers, timestampHeader);
		return { signatures: [value.slice(prefix.length)], ...(timestamp !== undefined ? { timestamp } : {}) };
	};
}

// "t=1700000000,v1=abc,v1=def" (Stripe-like): the timestamp under one key,
// every signature under another, pairs split by `separator`.
export function keyValueHeader(name: string, keys: { timestamp: string; signature: string }, separator = ","): HmacScheme["read"] {
	return (req) => {
		const value = header(req.headers, name);
		if (value === undefined) return undefined;
		let timestamp: string | undefined;
		const signatures: string[] = [];
		for (const item of value.split(separator)) {
			const at = item.indexOf("=");
			if (at < 0) continue;
			const key = item.slice(0, at).trim();
			const val = item.slice(at + 1).trim();
			if (key === keys.timestamp) timestamp = val;
			else if (key === keys.signature) signatures.push(val);
		}
		return { signatures, ...(timestamp !== undefined ? { timestamp } : {}) };
	};
}

// ---- signed content ----------------------------------------------------------

// Text before the body, then the raw body: `${prefix(ts)}${body}`.
export function prefixedBody(prefix: (req: DeliveryRequest, timestamp: string | undefined) => string): HmacScheme["content"] {
	return (req, timestamp) => concatBytes(utf8(prefix(req, timestamp)), req.body);
}

export const bodyOnly: HmacScheme["content"] = (req) => req.body;

// A signed-content template: {body} (the raw bytes), {timestamp} (as sent),
// {url} (as received) and {method}; any other text is literal.
export const TEMPLATE_PLACEHOLDERS = ["{body}", "{timestamp}", "{url}", "{method}"] as const;

export function templateContent(template: string): HmacScheme["content"] {
	const pieces = template.split(/(\{body\}|\{timestamp\}|\{url\}|\{method\})/).filter((p) => p !== "");
	return (req, timestamp) =>
		concatBytes(
			...pieces.map((piece) => {
				if (piece === "{body}") return req.body;
				if (piece === "{timestamp}") return utf8(timestamp ?? "");
				if (piece === "{url}") return utf8(req.url ?? "");
				if (piece === "{method}") return utf8(req.method ?? "POST");
				return utf8(piece);
			}),
		);
}

// ---- shared secrets sent as is -------------------------------------------------

// Constant time whatever the lengths: both sides are hashed first, so the
// comparison always runs over 32 bytes.
export async function secretEquals(given: string, secrets: readonly string[]): Promise<boolean> {
	const digest = await sha256(utf8(given));
	let matched = false;
	for (const secret of secrets) matched = timingSafeEqual(digest, await sha256(utf8(secret))) || matched;
	return matched;
}

// HTTP Basic auth (Chargebee, Postmark): the secret is "user:password".
export async function verifyBasicAuth(kind: string, req: DeliveryRequest, secrets: readonly string[]): Promise<Verdict> {
	requireSecrets(kind, secrets);
	for (const secret of secrets) {
		if (!secret.includes(":")) throw new SecretFormatError(kind, "must be user:password (HTTP Basic auth)");
	}
	const value = header(req.headers, "authorization");
	if (value === undefined) return MISSING;
	const match = /^basic\s+(.+)$/i.exec(value);
	if (!match?.[1]) return MISSING;
	const decoded = base64ToBytes(match[1]);
	if (decoded === null) return MISMATCH;
	return (await secretEquals(new TextDecoder().decode(decoded), secrets)) ? OK : MISMATCH;
}

// A preset whose verification is an HmacScheme.
export function hmacPreset<K extends string>(
	def: Omit<Preset<K>, "verify" | "mappings"> & { scheme: HmacScheme; mappings?: MappingTable },
): Preset<K> {
	const { scheme, mappings, ...rest } = def;
	return {
		...rest,
		mappings: mappings ?? {},
		verify: (req, secrets, opts) => verifyHmacScheme(def.kind, scheme, req, secrets, opts),
	};
}

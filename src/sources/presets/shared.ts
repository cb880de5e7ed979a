// Helpers the presets share: reading headers and body fields, timestamp
// tolerance, and the typed results identify() returns.

import type { Identification, IdentifyFailure, Verdict } from "../types";

// The secret itself is misconfigured (empty, or not the encoding the scheme
// needs). The message names the preset, never the secret.
export class SecretFormatError extends Error {
	override name = "SecretFormatError";
	constructor(
		readonly kind: string,
		detail: string,
	) {
		super(`${kind}: webhook secret ${detail}`);
	}
}

export function requireSecrets(kind: string, secrets: readonly string[]): void {
	if (secrets.length === 0) throw new SecretFormatError(kind, "is not set (no secret given)");
	for (const secret of secrets) {
		if (typeof secret !== "string" || secret.length === 0) throw new SecretFormatError(kind, "is empty");
	}
}

export const OK: Verdict = { ok: true };
export const MISSING: Verdict = { ok: false, reason: "signature_missing" };
export const MISMATCH: Verdict = { ok: false, reason: "signature_mismatch" };
export const STALE: Verdict = { ok: false, reason: "timestamp_out_of_tolerance" };

// A header value, trimmed; undefined when absent or blank. Names are
// lower-cased by the caller (DeliveryRequest contract).
export function header(headers: Readonly<Record<string, string>>, name: string): string | undefined {
	const value = headers[name];
	if (typeof value !== "string") return undefined;
	const trimmed = value.trim();
	return trimmed === "" ? undefined : trimmed;
}

// The listed headers that are present, under their lower-case names.
export function pickHeaders(headers: Readonly<Record<string, string>>, names: readonly string[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of names) {
		const value = header(headers, name);
		if (value !== undefined) out[name] = value;
	}
	return out;
}

// Unix seconds as sent in a signature header: digits only (no sign, no
// fraction, no exponent), so "1e9" or "0x10" never pass as a time.
export function parseUnixSeconds(text: string | undefined): number | null {
	if (text === undefined || !/^\d{1,12}$/.test(text)) return null;
	return Number(text);
}

export function withinTolerance(signedSeconds: number, opts: { toleranceSeconds: number; nowSeconds: number }): boolean {
	return Math.abs(opts.nowSeconds - signedSeconds) <= opts.toleranceSeconds;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === "object" && !Array.isArray(value);
}

// The value at a dotted path of the parsed body (own properties only).
function bodyAt(json: unknown, path: string): unknown {
	let at: unknown = json;
	for (const key of path.split(".")) {
		if (!isRecord(at) || !Object.hasOwn(at, key)) return undefined;
		at = at[key];
	}
	return at;
}

// A non-empty string at a dotted path of the parsed body, or undefined.
export function bodyString(json: unknown, path: string): string | undefined {
	const at = bodyAt(json, path);
	return typeof at === "string" && at.trim() !== "" ? at : undefined;
}

export function bodyNumber(json: unknown, path: string): number | undefined {
	const at = bodyAt(json, path);
	return typeof at === "number" && Number.isFinite(at) ? at : undefined;
}

// The identity of an event, with its time only when known, and where its id
// and type were read (header names or body paths), when given.
// Without an id (the provider sends none) ingest keys the event on the
// sha256 of its body.
export function eventIdentity(
	id: string | undefined,
	type: string,
	occurredAt: number | undefined,
	headers: Readonly<Record<string, string>>,
	fields: { id?: string; type?: string } = {},
): Identification {
	return {
		kind: "event",
		...(id !== undefined ? { id } : {}),
		type,
		...(occurredAt !== undefined ? { occurredAt } : {}),
		headers,
		...(fields.id !== undefined ? { idField: fields.id } : {}),
		...(fields.type !== undefined ? { typeField: fields.type } : {}),
	};
}

// A timestamp in unix seconds or ms, or ISO 8601, as ms epoch.
export function timeToMs(value: unknown, unit: "seconds" | "milliseconds" | "iso"): number | undefined {
	if (unit === "iso") return typeof value === "string" ? isoToMs(value) : undefined;
	const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
	if (!Number.isFinite(n) || n <= 0) return undefined;
	return unit === "seconds" ? n * 1000 : n;
}

// A body field by dotted path, any JSON value (own properties only).
export function bodyValue(json: unknown, path: string): unknown {
	return bodyAt(json, path);
}

// An event its body names: id and type at these paths (each named when
// missing), and when it happened as unix seconds, if the body says.
export function identityFromBody(
	json: unknown,
	paths: { id: string; type: string; unixSeconds: string },
	headers: Readonly<Record<string, string>>,
): Identification {
	const id = bodyString(json, paths.id);
	if (id === undefined) return missingBodyField(paths.id);
	const type = bodyString(json, paths.type);
	if (type === undefined) return missingBodyField(paths.type);
	const seconds = bodyNumber(json, paths.unixSeconds);
	return eventIdentity(id, type, seconds === undefined ? undefined : seconds * 1000, headers, paths);
}

export function missingHeader(name: string): IdentifyFailure {
	return { kind: "invalid", location: "header", field: name, message: `missing header ${name}` };
}

export function missingBodyField(path: string, expected = "a non-empty string"): IdentifyFailure {
	return { kind: "invalid", location: "body", field: path, message: `body field ${path} must be ${expected}` };
}

// ISO 8601 date-time → ms epoch; undefined when it does not parse.
export function isoToMs(text: string | undefined): number | undefined {
	if (text === undefined || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text)) return undefined;
	const ms = Date.parse(text);
	return Number.isFinite(ms) ? ms : undefined;
}

// The JSON body, or undefined when it is not JSON (identify() then names the
// field it could not read). Bodies are UTF-8; a leading BOM is dropped.
export function parseJsonBody(body: Uint8Array): unknown {
	try {
		return JSON.parse(new TextDecoder().decode(body));
	} catch {
		return undefined;
	}
}

// A form-urlencoded body's fields (the last value of a repeated name wins),
// or undefined when the bytes are not UTF-8.
export function parseFormBody(body: Uint8Array): Record<string, string> | undefined {
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body);
	} catch {
		return undefined;
	}
	const out: Record<string, string> = {};
	for (const [name, value] of new URLSearchParams(text)) out[name] = value;
	return out;
}

// Every name=value pair of a form body, in order, repeats kept.
export function formPairs(body: Uint8Array): [string, string][] {
	return [...new URLSearchParams(new TextDecoder().decode(body))];
}

export const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

// A stored delivery's body as the mapping reads it: a form-urlencoded body
// (marked by the content-type ingest keeps beside it) as its fields, else
// JSON; undefined when it is neither.
export function parseDeliveryBody(text: string, headers: Readonly<Record<string, string>>): unknown {
	const bytes = new TextEncoder().encode(text);
	return FORM_CONTENT_TYPE.test(headers["content-type"] ?? "") ? parseFormBody(bytes) : parseJsonBody(bytes);
}

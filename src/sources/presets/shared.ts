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
export function eventIdentity(
	id: string,
	type: string,
	occurredAt: number | undefined,
	headers: Readonly<Record<string, string>>,
	fields: { id?: string; type?: string } = {},
): Identification {
	return {
		kind: "event",
		id,
		type,
		...(occurredAt !== undefined ? { occurredAt } : {}),
		headers,
		...(fields.id !== undefined ? { idField: fields.id } : {}),
		...(fields.type !== undefined ? { typeField: fields.type } : {}),
	};
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

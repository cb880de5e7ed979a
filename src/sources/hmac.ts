// The configurable `hmac` kind: for a provider with no named preset, a
// source states the provider's HMAC recipe and gets the same verification
// engine the named presets use (presets/scheme.ts): constant-time compares,
// any of its secrets, at most 8 candidate signatures, the timestamp checked
// when one is signed.
//
//   { "name": "acme", "kind": "hmac", "secretVars": ["ACME_WEBHOOK_SECRET"],
//     "hmac": { "algorithm": "sha256", "encoding": "hex",
//               "signatureHeader": "X-Acme-Signature", "signaturePrefix": "sha256=",
//               "signedContent": "{timestamp}.{body}", "timestampHeader": "X-Acme-Timestamp",
//               "id": { "path": "id" }, "type": { "path": "event" } } }

import * as z from "../zod/mini";
import type { HmacHash } from "./crypto";
import { hmacPreset, prefixedHeader, templateContent } from "./presets/scheme";
import { bodyString, bodyValue, eventIdentity, header, isoToMs, missingBodyField, missingHeader, timeToMs } from "./presets/shared";
import type { DeliveryRequest, Preset } from "./types";

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const headerName = z.string().check(z.regex(HEADER_NAME, "must be an HTTP header name"));
const bodyPath = z.string().check(z.maxLength(200), z.regex(/^[^.\s]+(\.[^.\s]+)*$/, "must be a dotted path like data.id"));

// Where a value comes from: a request header or a dotted path of the body.
const fromSchema = z.union([z.strictObject({ header: headerName }), z.strictObject({ path: bodyPath })]);

// Literal text and the placeholders {body} {timestamp} {url} {method}; any
// other {…} is a mistake (a typo would silently sign the wrong bytes).
const TEMPLATE = /^(?:[^{}]|\{body\}|\{timestamp\}|\{url\}|\{method\})+$/;

export const hmacConfigSchema = z
	.strictObject({
		algorithm: z.enum(["sha1", "sha256", "sha512"]).check(z.describe("The HMAC's hash")),
		encoding: z.enum(["hex", "base64"]).check(z.describe("How the signature is written in its header")),
		signatureHeader: headerName.check(z.describe("The header carrying the signature")),
		signaturePrefix: z.optional(z.string().check(z.maxLength(32))).check(z.describe('Text before the signature, e.g. "sha256="')),
		signedContent: z
			.string()
			.check(
				z.maxLength(200),
				z.regex(TEMPLATE, "may only use {body}, {timestamp}, {url} and {method} placeholders"),
				z.describe('What is signed: "{body}", "{timestamp}.{body}", "v0:{timestamp}:{body}", "{url}{body}", …'),
			),
		timestampHeader: z.optional(headerName).check(z.describe("The header carrying the signed timestamp")),
		timestampUnit: z.optional(z.enum(["seconds", "milliseconds"])).check(z.describe("Unit of the signed timestamp (seconds)")),
		id: z.optional(fromSchema).check(z.describe("Where the event id is; without it, events are keyed on the body's sha256")),
		type: fromSchema.check(z.describe("Where the event type is")),
		occurredAt: z.optional(z.strictObject({ path: bodyPath, unit: z.enum(["seconds", "milliseconds", "iso"]) })),
	})
	.check(
		z.superRefine((config, ctx) => {
			const signsTimestamp = config.signedContent.includes("{timestamp}");
			if (signsTimestamp && config.timestampHeader === undefined) {
				ctx.addIssue({
					code: "custom",
					path: ["timestampHeader"],
					message: "signedContent uses {timestamp}: name the header it comes from",
				});
			}
			if (!signsTimestamp && config.timestampHeader !== undefined) {
				ctx.addIssue({
					code: "custom",
					path: ["signedContent"],
					message: "a timestampHeader is set but signedContent does not sign {timestamp}",
				});
			}
		}),
	);

export type HmacConfig = z.infer<typeof hmacConfigSchema>;

const HASHES: Readonly<Record<HmacConfig["algorithm"], HmacHash>> = { sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" };

function read(req: DeliveryRequest, json: unknown, from: z.infer<typeof fromSchema>): string | undefined {
	if ("header" in from) return header(req.headers, from.header.toLowerCase());
	const value = bodyValue(json, from.path);
	if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
	return bodyString(json, from.path);
}

function missing(from: z.infer<typeof fromSchema>) {
	return "header" in from ? missingHeader(from.header) : missingBodyField(from.path);
}

export function signsTimestamp(config: HmacConfig): boolean {
	return config.timestampHeader !== undefined;
}

// The preset a configured `hmac` source verifies and identifies with.
export function hmacPresetFor(config: HmacConfig): Preset<"hmac"> {
	const timestamped = signsTimestamp(config);
	return hmacPreset({
		kind: "hmac",
		defaultToleranceSeconds: timestamped ? 300 : null,
		bodyDedupe: !timestamped && (config.id === undefined || "header" in config.id),
		scheme: {
			hash: HASHES[config.algorithm],
			encoding: config.encoding,
			read: prefixedHeader(config.signatureHeader.toLowerCase(), config.signaturePrefix ?? "", config.timestampHeader?.toLowerCase()),
			content: templateContent(config.signedContent),
			...(timestamped ? { timestamp: config.timestampUnit ?? "seconds" } : {}),
		},
		identify(req, json) {
			const id = config.id === undefined ? undefined : read(req, json, config.id);
			if (config.id !== undefined && id === undefined) return missing(config.id);
			const type = read(req, json, config.type);
			if (type === undefined) return missing(config.type);
			const at = config.occurredAt;
			const occurredAt =
				at === undefined ? undefined : at.unit === "iso" ? isoToMs(bodyString(json, at.path)) : timeToMs(bodyValue(json, at.path), at.unit);
			return eventIdentity(id, type, occurredAt, {});
		},
	});
}

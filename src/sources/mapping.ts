// Declarative mapping from a provider's event to our canonical envelope
// { event_id, event_type, timestamp, user_id?, metadata }.
//
// A mapping table says, per provider event type, which canonical type it
// becomes and where each canonical field comes from:
//
//   "invoice.payment_failed": {
//     type: "payment_failed",
//     fields: {
//       user_id: "data.object.customer",
//       "metadata.amount": { path: "data.object.amount_due", transform: "minorToMajor" },
//       "metadata.currency": { path: "data.object.currency", transform: "uppercase" },
//       "metadata.subscription_id": { path: ["data.object.parent.subscription_details.subscription",
//                                            "data.object.subscription"], optional: true },
//       "metadata.source": { const: "stripe" },
//     },
//   }
//
// Field rules:
//  - a path is dotted; numeric segments index arrays ("items.data.0.price").
//    Only own properties are followed; null counts as missing.
//  - a list of paths is tried in order, first present wins (for fields that
//    moved between API versions, or fallbacks like lookup_key → nickname → id).
//  - { path, transform } applies a named transform (TRANSFORMS below).
//  - { path, optional: true } leaves the field out when missing instead of
//    failing.
//  - { const } is a fixed value.
//  - { path, times } multiplies the number by the one at `times` (a
//    quantity; 1 when that path is absent), before any transform.
//  - minorToMajor finds the currency at { currency: path } when given, else in
//    the rule's own "metadata.currency" field, else assumes 2 decimals.
//
// Results (never exceptions):
//  - mapped: the canonical event.
//  - unhandled: the table has no rule for this provider type. The caller
//    archives the event and stops; it is not an error.
//  - failed: a rule applied but the payload did not fit (missing path,
//    transform refused the value, or the output breaks the canonical type's
//    contract). Names the field and path; the consumer dead-letters it.
//
// The contract is the event-type modules' own (src/events/types/*, through
// the registry): a rule may target only a registered type, must fill every
// field that type requires, and its output is checked with the envelope's
// and the type's schemas, the very ones the consumer's handler parses with.
// So a mapped event is one the handler stores. Known fields come out
// normalised as the type's schema normalises them (currency upper case,
// interval aliases); extra metadata.* fields pass through unchecked. One
// leniency of the mapping's own: a JSON integer where the type wants a
// string (provider ids often are numbers) becomes its decimal string.

import type { EventType } from "../events/contract";
import { describeEventType } from "../events/docs";
import { type EventEnvelope, eventEnvelopeSchema } from "../events/envelope";
import { eventTypeFor, eventTypeNames } from "../events/registry";
import { fieldIssues } from "../shared/validation";
import * as z from "../zod/mini";
import type { Identity } from "./types";

export const TRANSFORMS = ["minorToMajor", "unixSecondsToIso", "lowercase", "uppercase", "string"] as const;
export type TransformName = (typeof TRANSFORMS)[number];

const PATH_RE = /^[^.\s]+(\.[^.\s]+)*$/;
const pathSchema = z.string().check(z.maxLength(300), z.regex(PATH_RE, "must be a dotted path like data.object.customer"));
const pathsSchema = z.union([pathSchema, z.array(pathSchema).check(z.minLength(1), z.maxLength(8))]);

export const fieldRuleSchema = z.union([
	pathsSchema,
	z.strictObject({
		path: pathsSchema,
		transform: z.optional(z.enum(TRANSFORMS)),
		optional: z.optional(z.boolean()),
		currency: z.optional(pathSchema).check(z.describe("minorToMajor only: where the currency code is")),
		times: z.optional(pathSchema).check(z.describe("Multiply the value by the number here (a quantity; 1 when absent)")),
	}),
	z.strictObject({ const: z.union([z.string(), z.number(), z.boolean()]) }),
]);
export type FieldRule = z.infer<typeof fieldRuleSchema>;

const TARGET_RE = /^(user_id|metadata\.[A-Za-z0-9_]{1,64})$/;

export const mappingRuleSchema = z
	.strictObject({
		type: z.enum(eventTypeNames),
		fields: z.record(z.string().check(z.regex(TARGET_RE, "must be user_id or metadata.<name>")), fieldRuleSchema),
	})
	.check(
		z.superRefine((rule, ctx) => {
			const type = eventTypeFor(rule.type);
			for (const { path: target, required } of type ? describeEventType(type).fields : []) {
				if (required && !(target in rule.fields)) {
					ctx.addIssue({ code: "custom", path: ["fields", target], message: `${rule.type} needs a rule for ${target}` });
				}
			}
		}),
	);
export type MappingRule = z.infer<typeof mappingRuleSchema>;

// Provider event type → rule.
export type MappingTable = Readonly<Record<string, MappingRule>>;

// What a source may declare on top of its preset's table: a rule replaces the
// preset's rule for that provider type (or adds one); null removes it (the
// type becomes unhandled).
export const mappingOverridesSchema = z.record(z.string().check(z.minLength(1), z.maxLength(200)), z.nullable(mappingRuleSchema));
export type MappingOverrides = z.infer<typeof mappingOverridesSchema>;

export function mergeMappings(defaults: MappingTable, overrides?: MappingOverrides): MappingTable {
	if (!overrides) return defaults;
	const out: Record<string, MappingRule> = { ...defaults };
	for (const [type, rule] of Object.entries(overrides)) {
		if (rule === null) delete out[type];
		else out[type] = rule;
	}
	return out;
}

// The envelope every event carries, with the metadata a mapping always sets.
export type CanonicalEvent = EventEnvelope & { metadata: Record<string, unknown> };

export type MappingFailureCode = "mapping_path_missing" | "mapping_transform_failed" | "mapping_invalid_output";

export type MappingResult =
	| { readonly kind: "mapped"; readonly event: CanonicalEvent }
	| { readonly kind: "unhandled"; readonly providerType: string }
	| {
			readonly kind: "failed";
			readonly code: MappingFailureCode;
			readonly providerType: string;
			// Target field, e.g. "metadata.amount".
			readonly field: string;
			// Source path(s) the field was read from ("a | b" for a list), when any.
			readonly path?: string;
			readonly message: string;
	  };

export interface MapInput {
	// The stored delivery's id (the provider's, or the body's sha256).
	readonly identity: Pick<Identity, "type" | "occurredAt"> & { readonly id: string };
	// The parsed JSON body.
	readonly payload: unknown;
	// When we received the delivery (ms epoch): the timestamp when the
	// provider gives none.
	readonly receivedAtMs: number;
}

// ---- paths ----------------------------------------------------------------

export function readPath(root: unknown, path: string): unknown {
	let at: unknown = root;
	for (const segment of path.split(".")) {
		if (Array.isArray(at)) {
			if (!/^\d+$/.test(segment)) return undefined;
			at = at[Number(segment)];
		} else if (at !== null && typeof at === "object") {
			if (!Object.hasOwn(at, segment)) return undefined;
			at = (at as Record<string, unknown>)[segment];
		} else {
			return undefined;
		}
		if (at === null || at === undefined) return undefined;
	}
	return at;
}

// First path with a value; null and "" count as missing, so a list can fall
// back past an empty nickname to the price id.
function firstPresent(root: unknown, paths: readonly string[]): unknown {
	for (const path of paths) {
		const value = readPath(root, path);
		if (value !== undefined && value !== "") return value;
	}
	return undefined;
}

// ---- transforms -----------------------------------------------------------

// Decimal places of the minor unit, where it is not 2. Zero- and three-decimal
// currencies as Stripe bills them (Stripe's "zero-decimal" and
// "three-decimal" lists); ISO 4217 agrees for these.
const ZERO_DECIMAL = new Set([
	"BIF",
	"CLP",
	"DJF",
	"GNF",
	"JPY",
	"KMF",
	"KRW",
	"MGA",
	"PYG",
	"RWF",
	"UGX",
	"VND",
	"VUV",
	"XAF",
	"XOF",
	"XPF",
]);
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

export function currencyExponent(currency: string | undefined): number {
	if (currency === undefined) return 2;
	const code = currency.toUpperCase();
	if (ZERO_DECIMAL.has(code)) return 0;
	if (THREE_DECIMAL.has(code)) return 3;
	return 2;
}

type TransformOutcome = { ok: true; value: unknown } | { ok: false; message: string };

function numeric(value: unknown): number | undefined {
	if (typeof value === "number" && Number.isFinite(value)) return value;
	if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
	return undefined;
}

export function minorToMajor(minor: number, currency: string | undefined): number {
	const exponent = currencyExponent(currency);
	// toFixed drops float noise (1999 / 100 → 19.99, not 19.990000000000002).
	return Number((minor / 10 ** exponent).toFixed(exponent));
}

function applyTransform(name: TransformName, value: unknown, currency: string | undefined): TransformOutcome {
	switch (name) {
		case "minorToMajor": {
			const n = numeric(value);
			if (n === undefined || !Number.isInteger(n)) {
				return { ok: false, message: `minorToMajor needs an integer amount in minor units, got ${describe(value)}` };
			}
			return { ok: true, value: minorToMajor(n, currency) };
		}
		case "unixSecondsToIso": {
			const n = numeric(value);
			if (n === undefined || n < 0 || n > 253402300799) {
				return { ok: false, message: `unixSecondsToIso needs unix seconds, got ${describe(value)}` };
			}
			return { ok: true, value: new Date(n * 1000).toISOString() };
		}
		case "lowercase":
		case "uppercase":
			if (typeof value !== "string") return { ok: false, message: `${name} needs a string, got ${describe(value)}` };
			return { ok: true, value: name === "lowercase" ? value.toLowerCase() : value.toUpperCase() };
		case "string":
			if (typeof value === "string") return { ok: true, value };
			if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
				// JSON.parse already rounded it: the digits would be wrong.
				return { ok: false, message: `string got ${value}, an integer too large to be exact after JSON parsing` };
			}
			if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") {
				return { ok: true, value: String(value) };
			}
			return { ok: false, message: `string needs a string, number or boolean, got ${describe(value)}` };
	}
}

function describe(value: unknown): string {
	if (Array.isArray(value)) return "an array";
	if (value === null) return "null";
	if (typeof value === "object") return "an object";
	if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
	return String(value);
}

// ---- output contract -------------------------------------------------------

type OutputCheck = { ok: true; values: Map<string, unknown> } | { ok: false; field: string; message: string };

// The first bad field of a failed parse, with the value as mapped.
function firstIssue(error: { issues: readonly z.core.$ZodIssue[] }, values: ReadonlyMap<string, unknown>): OutputCheck {
	const { field, message } = fieldIssues(error)[0] ?? { field: "(root)", message: "is invalid" };
	return { ok: false, field, message: values.has(field) ? `${message}, got ${describe(values.get(field))}` : message };
}

// Checks the event with the envelope's and its type's schemas. Returns every
// mapped target's value as the type's schema outputs it (currency upper
// case, interval alias resolved), or the value as mapped where the schema
// does not parse that field.
function checkOutput(type: EventType, event: CanonicalEvent, values: ReadonlyMap<string, unknown>): OutputCheck {
	const envelope = eventEnvelopeSchema.safeParse(event);
	if (!envelope.success) return firstIssue(envelope.error, values);
	const parsed = type.schema.safeParse(event);
	if (!parsed.success) return firstIssue(parsed.error, values);
	const data = parsed.data as { metadata?: Record<string, unknown> };
	const out = new Map(values);
	for (const target of values.keys()) {
		const name = target.slice("metadata.".length);
		if (target !== "user_id" && data.metadata && Object.hasOwn(data.metadata, name)) out.set(target, data.metadata[name]);
	}
	return { ok: true, values: out };
}

// The targets whose type takes a string: where a mapped integer is stringified.
function stringTargets(type: EventType): ReadonlySet<string> {
	return new Set(
		describeEventType(type)
			.fields.filter((f) => f.types.length === 1 && f.types[0] === "string")
			.map((f) => f.path),
	);
}

// ---- the engine -----------------------------------------------------------

interface RuleFieldParts {
	paths?: readonly string[];
	transform?: TransformName;
	optional: boolean;
	currency?: string;
	times?: string;
	constant?: string | number | boolean;
}

function parts(rule: FieldRule): RuleFieldParts {
	if (typeof rule === "string") return { paths: [rule], optional: false };
	if (Array.isArray(rule)) return { paths: rule, optional: false };
	if ("const" in rule) return { constant: rule.const, optional: false };
	return {
		paths: typeof rule.path === "string" ? [rule.path] : rule.path,
		transform: rule.transform,
		optional: rule.optional === true,
		currency: rule.currency,
		times: rule.times,
	};
}

export function mapEvent(input: MapInput, table: MappingTable): MappingResult {
	const providerType = input.identity.type;
	const rule = Object.hasOwn(table, providerType) ? table[providerType] : undefined;
	if (!rule) return { kind: "unhandled", providerType };

	const fail = (code: MappingFailureCode, field: string, message: string, paths?: readonly string[]): MappingResult => ({
		kind: "failed",
		code,
		providerType,
		field,
		...(paths ? { path: paths.join(" | ") } : {}),
		message: `${providerType} → ${rule.type}: ${field} ${message}`,
	});

	const values = new Map<string, unknown>();
	// minorToMajor may read the rule's own currency, so those go last.
	const entries = Object.entries(rule.fields).map(([target, fieldRule]) => [target, parts(fieldRule)] as const);
	const ordered = [
		...entries.filter(([, p]) => p.transform !== "minorToMajor"),
		...entries.filter(([, p]) => p.transform === "minorToMajor"),
	];

	for (const [target, p] of ordered) {
		if (p.constant !== undefined) {
			values.set(target, p.constant);
			continue;
		}
		const paths = p.paths ?? [];
		let raw = firstPresent(input.payload, paths);
		if (raw === undefined) {
			if (p.optional) continue;
			return fail("mapping_path_missing", target, `has no value at ${paths.join(" | ")}`, paths);
		}
		if (p.times !== undefined) {
			const factor = readPath(input.payload, p.times) ?? 1;
			const [a, b] = [numeric(raw), numeric(factor)];
			if (a === undefined || b === undefined) {
				return fail("mapping_transform_failed", target, `times needs two numbers, got ${describe(raw)} × ${describe(factor)}`, paths);
			}
			raw = a * b;
		}
		if (!p.transform) {
			values.set(target, raw);
			continue;
		}
		let currency: string | undefined;
		if (p.transform === "minorToMajor") {
			const found = p.currency !== undefined ? readPath(input.payload, p.currency) : values.get("metadata.currency");
			if (p.currency !== undefined && typeof found !== "string") {
				return fail("mapping_path_missing", target, `needs a currency code at ${p.currency}`, [p.currency]);
			}
			currency = typeof found === "string" ? found : undefined;
		}
		const out = applyTransform(p.transform, raw, currency);
		if (!out.ok) return fail("mapping_transform_failed", target, out.message, paths);
		values.set(target, out.value);
	}

	const occurredAt = input.identity.occurredAt ?? input.receivedAtMs;
	const timestamp = new Date(occurredAt);
	if (!Number.isFinite(timestamp.getTime())) return fail("mapping_invalid_output", "timestamp", "is not a valid time");
	const type = eventTypeFor(rule.type);
	if (!type) return fail("mapping_invalid_output", "event_type", "is not a registered event type");
	const strings = stringTargets(type);
	for (const [target, value] of values) {
		if (strings.has(target) && typeof value === "number" && Number.isSafeInteger(value)) values.set(target, String(value));
	}
	const eventOf = (from: ReadonlyMap<string, unknown>): CanonicalEvent => {
		const event: CanonicalEvent = { event_id: input.identity.id, event_type: rule.type, timestamp: timestamp.toISOString(), metadata: {} };
		for (const [target, value] of from) {
			if (target === "user_id") event.user_id = value as string;
			else event.metadata[target.slice("metadata.".length)] = value;
		}
		return event;
	};
	// The output must honour the canonical type's contract.
	const checked = checkOutput(type, eventOf(values), values);
	if (!checked.ok) return fail("mapping_invalid_output", checked.field, checked.message);
	const event = eventOf(checked.values);
	return { kind: "mapped", event };
}

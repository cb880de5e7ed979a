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
//  - { path, transform } applies a named transform (TRANSFORMS, ./mapping-rules.ts).
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
import { eventTypeFor } from "../events/registry";
import { fieldIssues } from "../shared/validation";
import type * as z from "../zod/mini";
import type { FieldRule, MappingTable, TransformName } from "./mapping-rules";
import { applyTransform, describeValue, numeric } from "./mapping-transforms";
import type { Identity } from "./types";

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

// ---- output contract -------------------------------------------------------

type OutputCheck = { ok: true; values: Map<string, unknown> } | { ok: false; field: string; message: string };

// The first bad field of a failed parse, with the value as mapped.
function firstIssue(error: { issues: readonly z.core.$ZodIssue[] }, values: ReadonlyMap<string, unknown>): OutputCheck {
	const { field, message } = fieldIssues(error)[0] ?? { field: "(root)", message: "is invalid" };
	return { ok: false, field, message: values.has(field) ? `${message}, got ${describeValue(values.get(field))}` : message };
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
				return fail(
					"mapping_transform_failed",
					target,
					`times needs two numbers, got ${describeValue(raw)} × ${describeValue(factor)}`,
					paths,
				);
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

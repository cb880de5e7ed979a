import * as z from "../zod/mini";
import type { EventType } from "./contract";
import { registry } from "./registry";

// What each event type needs from a sender, rendered from the very schemas
// the types validate with, so the API description cannot drift from the
// code. The provider mappings read the same field list (which targets a rule
// must fill, which take a string). For the OpenAPI description of
// POST /webhook/events (and api.md):
//
//   description: () => `…\n\n${eventTypesMarkdown()}`  (a function: built with the document)

export interface FieldDoc {
	// Dotted path in the event: "user_id", "metadata.amount".
	path: string;
	// Rejected (dead-lettered) when missing. A field required inside an
	// optional object (metadata) is required only when that object is sent.
	required: boolean;
	// "string", "number ≥ 0", "email", plus a default or a note.
	summary: string;
	// The JSON Schema type(s) of its input ("string", "number"…); empty when
	// the schema does not say.
	types: readonly string[];
}

export interface EventTypeDoc {
	type: string;
	fields: FieldDoc[];
	// Rules across fields (a refine), from the schema's description.
	note: string | null;
}

interface JsonSchema {
	type?: string | string[];
	format?: string;
	minimum?: number;
	exclusiveMinimum?: number;
	minLength?: number;
	enum?: unknown[];
	default?: unknown;
	description?: string;
	properties?: Record<string, JsonSchema>;
	required?: string[];
}

function summarize(schema: JsonSchema): string {
	// A format (email, date-time…) says more than its type (string).
	const parts = [schema.format ?? (Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any"))];
	if (schema.minimum !== undefined) parts[0] += ` ≥ ${schema.minimum}`;
	if (schema.exclusiveMinimum !== undefined) parts[0] += ` > ${schema.exclusiveMinimum}`;
	if (schema.enum) parts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
	if (schema.description) parts.push(schema.description);
	else if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
	return parts.join("; ");
}

// Walks object properties depth first; an object with properties of its own
// is listed through its fields, anything else as one field.
function fieldsOf(schema: JsonSchema, prefix: string, parentRequired: boolean): FieldDoc[] {
	return Object.entries(schema.properties ?? {}).flatMap(([name, child]) => {
		const path = prefix ? `${prefix}.${name}` : name;
		const required = parentRequired && (schema.required ?? []).includes(name);
		if (child.properties && Object.keys(child.properties).length > 0) return fieldsOf(child, path, required);
		const types = child.type === undefined ? [] : Array.isArray(child.type) ? child.type : [child.type];
		return [{ path, required, summary: summarize(child), types }];
	});
}

const described = new WeakMap<EventType, EventTypeDoc>();

// Built on first use per type and kept: the consumer's mapping asks per event.
export function describeEventType(type: EventType): EventTypeDoc {
	let doc = described.get(type);
	if (!doc) {
		const schema = z.toJSONSchema(type.schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
		doc = { type: type.type, fields: fieldsOf(schema, "", true), note: schema.description ?? null };
		described.set(type, doc);
	}
	return doc;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");
const list = (fields: FieldDoc[]) => (fields.length ? fields.map((f) => `\`${f.path}\` (${cell(f.summary)})`).join(", ") : "—");

// A markdown table: event_type → the fields its handler requires and the
// ones it reads when present. Types without a handler are stored as
// "unhandled", which the last row says.
export function eventTypesMarkdown(types: Iterable<EventType> = registry.values()): string {
	const rows = [...types].map((type) => {
		const doc = describeEventType(type);
		const required = doc.fields.filter((f) => f.required);
		const optional = doc.fields.filter((f) => !f.required);
		return `| \`${doc.type}\` | ${list(required)} | ${list(optional)} | ${doc.note ? cell(doc.note) : ""} |`;
	});
	return [
		"| event_type | required fields | optional fields | notes |",
		"| --- | --- | --- | --- |",
		...rows,
		"| any other | — | — | stored with status `unhandled`, not failed |",
	].join("\n");
}

// The rules a mapping table is written in, as schemas (SOURCES' `mapping`
// overrides are parsed with them) and their types; src/sources/mapping.ts
// applies them. The field-rule grammar is described there.
import { describeEventType } from "../events/docs";
import { eventTypeFor, eventTypeNames } from "../events/registry";
import * as z from "../zod/mini";

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

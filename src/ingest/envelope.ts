import { z } from "zod";

// The webhook envelope every event must carry. Unknown top-level fields are
// kept (looseObject) so providers can send their own extras.
export const eventEnvelopeSchema = z.looseObject({
	event_id: z
		.string()
		.min(1)
		.max(200)
		.regex(/^\S+$/, "must not contain whitespace"),
	event_type: z
		.string()
		.min(1)
		.max(100)
		.regex(/^\S+$/, "must not contain whitespace"),
	timestamp: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a zone (Z or ±hh:mm)" }),
	user_id: z.string().min(1).max(200).optional(),
	metadata: z.record(z.string(), z.unknown()).optional(),
});

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

// What the ingest Worker puts on the queue: the event as sent, plus when and
// from where it arrived.
export const eventMessageSchema = z.object({
	event: eventEnvelopeSchema,
	received_at: z.number().int().nonnegative(),
	source: z.string().regex(SOURCE_PATTERN),
});

export type EventMessage = z.infer<typeof eventMessageSchema>;

export interface FieldIssue {
	field: string;
	message: string;
}

// Flattens zod issues into one entry per bad field, with dotted paths.
export function fieldIssues(error: { issues: readonly z.core.$ZodIssue[] }, prefix = ""): FieldIssue[] {
	return error.issues.map((issue) => ({
		field: prefix + (issue.path.length ? issue.path.map(String).join(".") : "(root)"),
		message: issue.message,
	}));
}

// JSON with object keys sorted at every depth: two bodies that differ only in
// key order or whitespace hash the same, so the idempotency check compares
// content, not formatting.
export function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
	if (value !== null && typeof value === "object") {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
	}
	return JSON.stringify(value);
}

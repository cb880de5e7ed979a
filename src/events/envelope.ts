import { z } from "zod";

// The webhook envelope every event must carry. Unknown top-level fields are
// kept (looseObject) so providers can send their own extras.
export const eventEnvelopeSchema = z.looseObject({
	event_id: z.string().min(1).max(200).regex(/^\S+$/, "must not contain whitespace"),
	event_type: z.string().min(1).max(100).regex(/^\S+$/, "must not contain whitespace"),
	timestamp: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a zone (Z or ±hh:mm)" }),
	user_id: z.string().min(1).max(200).optional(),
	metadata: z.record(z.string(), z.unknown()).optional(),
});

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

// Events posted in our own envelope to /webhook/events and /webhook/batch.
export const DIRECT_SOURCE = "direct";

// The Hono context variable the source route sets once it has resolved a
// configured source, so request-level middleware (metrics) can label by it.
export const SOURCE_VAR = "ingestSource";
export type IngestSourceVariables = { [SOURCE_VAR]?: string };

// What the ingest Worker puts on the queue: the event as sent, plus when and
// from where it arrived.
export const eventMessageSchema = z.object({
	event: eventEnvelopeSchema,
	received_at: z.number().int().nonnegative(),
	source: z.string().regex(SOURCE_PATTERN),
});

export type EventMessage = z.infer<typeof eventMessageSchema>;

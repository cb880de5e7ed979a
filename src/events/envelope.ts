import * as z from "../zod/mini";

// The webhook envelope every event must carry. Unknown top-level fields are
// kept (looseObject) so providers can send their own extras.
export const eventEnvelopeSchema = z.looseObject({
	event_id: z.string().check(z.minLength(1), z.maxLength(200), z.regex(/^\S+$/, "must not contain whitespace")),
	event_type: z.string().check(z.minLength(1), z.maxLength(100), z.regex(/^\S+$/, "must not contain whitespace")),
	timestamp: z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a zone (Z or ±hh:mm)" }),
	user_id: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
	metadata: z.optional(z.record(z.string(), z.unknown())),
});

export type EventEnvelope = z.infer<typeof eventEnvelopeSchema>;

export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

// Events posted in our own envelope to /webhook/events and /webhook/batch.
export const DIRECT_SOURCE = "direct";

// The Hono context variable the source route sets once it has resolved a
// configured source, so request-level middleware (metrics) can label by it.
export const SOURCE_VAR = "ingestSource";
export type IngestSourceVariables = { [SOURCE_VAR]?: string };

// What the ingest Worker puts on the queue for the direct source: the event
// as sent, plus when and from where it arrived.
export const eventMessageSchema = z.object({
	event: eventEnvelopeSchema,
	received_at: z.int().check(z.nonnegative()),
	source: z.string().check(z.regex(SOURCE_PATTERN)),
});

export type EventMessage = z.infer<typeof eventMessageSchema>;

// What it puts on the queue for a provider source (Stripe, GitHub, …): the
// delivery as verified, mapped onto a canonical type only by the consumer, so
// a mapping added later can be applied to archived events by replay.
export const deliveryMessageSchema = z.object({
	kind: z.literal("delivery"),
	source: z.string().check(z.regex(SOURCE_PATTERN)),
	received_at: z.int().check(z.nonnegative()),
	delivery: z.object({
		// The provider's own event id and type (X-GitHub-Delivery, evt_…).
		id: z.string().check(z.minLength(1), z.maxLength(512)),
		type: z.string().check(z.minLength(1), z.maxLength(200)),
		// When the provider says it happened, epoch ms.
		occurred_at: z.optional(z.int()),
		// Delivery headers worth keeping (never signatures): the preset's, and
		// the request's content-type (CONTENT_TYPE_HEADER), which a `raw`
		// destination is sent the body with.
		headers: z.record(z.string(), z.string()),
		// The body exactly as signed, decoded as UTF-8.
		body: z.string(),
	}),
});

export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

export const CONTENT_TYPE_HEADER = "content-type";

// A message too large for the queue (128 KB) travels as a claim check: the
// full QueueMessage is an object in the PAYLOADS bucket and the queue carries
// this pointer. The consumer reads it back whole; a dead letter keeps the
// pointer, so replay reads it again (objects expire by an R2 lifecycle rule).
export const storedMessageSchema = z.object({
	kind: z.literal("stored"),
	ref: z.string().check(z.minLength(1)),
	// The stored event id, source and arrival time, for logs and dead letters.
	id: z.string().check(z.minLength(1)),
	source: z.string().check(z.regex(SOURCE_PATTERN)),
	received_at: z.int().check(z.nonnegative()),
	bytes: z.int().check(z.nonnegative()),
});

export type StoredMessage = z.infer<typeof storedMessageSchema>;

// Anything the events queue carries.
export const queueMessageSchema = z.union([deliveryMessageSchema, eventMessageSchema]);
export type QueueMessage = z.infer<typeof queueMessageSchema>;

export const isDelivery = (message: QueueMessage): message is DeliveryMessage => "kind" in message && message.kind === "delivery";

// The id an event is archived and deduplicated under: the sender's event_id
// for the direct source, "<source>:<provider id>" for provider sources, so two
// providers' evt_1 never collide.
export function storedEventId(message: QueueMessage): string {
	return isDelivery(message) ? `${message.source}:${message.delivery.id}` : message.event.event_id;
}

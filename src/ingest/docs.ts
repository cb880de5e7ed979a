import { eventTypesMarkdown } from "../events/docs";
import { eventEnvelopeSchema } from "../events/envelope";
import { documented } from "../shared/describe";
import * as z from "../zod/mini";

// OpenAPI descriptions of the ingest routes, built from the envelope schema
// the routes validate with. Pass-through middleware: no behaviour of its own.

const ack = (status: string) => z.object({ status: z.literal(status), event_id: z.string() });

export const batchResultSchema = z.object({
	accepted: z.int(),
	duplicates: z.int(),
	rejected: z.int(),
	results: z.array(
		z.object({
			index: z.int(),
			event_id: z.nullable(z.string()),
			status: z.enum(["accepted", "duplicate", "rejected"]),
			error: z.optional(z.string()),
			fields: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
		}),
	),
});

// What /webhook/batch answers: the route's response is checked against it.
export type BatchResponse = z.infer<typeof batchResultSchema>;

const SHARED_ERRORS = {
	401: ["X-Webhook-Signature missing or wrong"],
	413: ["Body over MAX_BODY_BYTES"],
	415: ["Content-Type is not JSON"],
	503: ["Retry later (Retry-After): another copy still in flight, queue or idempotency store unavailable, or WEBHOOK_SECRET unset"],
} as const;

const SOURCE_NOTE = "The sender is named by `?source=` or `X-Webhook-Source` (default `direct`).";

export const eventsDoc = documented({
	summary: "Receive one webhook event",
	// Rendered from the event types' schemas when the OpenAPI document is built.
	description: () =>
		`Signed over the raw body bytes. Acknowledged after the event is claimed and enqueued; processing happens later. ${SOURCE_NOTE}\n\nEach event type's fields (checked by the consumer; other types are archived as unhandled):\n\n${eventTypesMarkdown()}`,
	tags: ["Ingest"],
	auth: "signature",
	requestBody: eventEnvelopeSchema,
	responses: {
		202: ["Accepted and enqueued", ack("accepted")],
		200: ["Duplicate of an accepted event (same id and body); not processed again", ack("duplicate")],
		400: [
			"invalid_json, json_too_deep (nesting over 64, `limit`), unsafe_number (a number a double cannot hold exactly, `path`), or validation_failed (`fields` names each bad field; an event_id starting with a lower-case name and a colon is refused: that is the provider key space <source>:<id>)",
		],
		409: ["Same event_id with a different body inside the idempotency window: a true conflict"],
		...SHARED_ERRORS,
	},
});

export const batchDoc = documented({
	summary: "Receive up to MAX_BATCH_EVENTS events in one request",
	description: `Each event is validated and deduplicated on its own. A 2xx means every event is on the queue (or already was). If any event could not be enqueued yet, the whole batch is answered 503 with Retry-After and per-event results: retry it whole, and the events that made it are answered duplicate. ${SOURCE_NOTE}`,
	tags: ["Ingest"],
	auth: "signature",
	requestBody: z.object({ events: z.array(eventEnvelopeSchema).check(z.minLength(1)) }),
	responses: {
		202: ["Every event accepted or a duplicate, at least one accepted", batchResultSchema],
		200: ["Every event was a duplicate", batchResultSchema],
		400: ["Some event is invalid (the valid ones are accepted; per-event `results`), or too many events"],
		409: ["Some event id was used with a different body (per-event `results`)"],
		...SHARED_ERRORS,
	},
});

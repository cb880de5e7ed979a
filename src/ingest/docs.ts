import { z } from "zod";
import { eventEnvelopeSchema } from "../events/envelope";
import { documented } from "../shared/describe";

// OpenAPI descriptions of the ingest routes, built from the envelope schema
// the routes validate with. Pass-through middleware: no behaviour of its own.

const ack = (status: string) => z.object({ status: z.literal(status), event_id: z.string() });

export const batchResultSchema = z.object({
	accepted: z.number().int(),
	duplicates: z.number().int(),
	rejected: z.number().int(),
	results: z.array(
		z.object({
			index: z.number().int(),
			event_id: z.string().nullable(),
			status: z.enum(["accepted", "duplicate", "rejected"]),
			error: z.string().optional(),
			fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
		}),
	),
});

// What /webhook/batch answers: the route's response is checked against it.
export type BatchResponse = z.infer<typeof batchResultSchema>;

const SHARED_ERRORS = {
	401: ["X-Webhook-Signature missing or wrong"],
	413: ["Body over MAX_BODY_BYTES"],
	415: ["Content-Type is not JSON"],
	503: ["Queue or idempotency store unavailable (Retry-After), or WEBHOOK_SECRET unset"],
} as const;

const SOURCE_NOTE = "The sender is named by `?source=` or `X-Webhook-Source` (default `direct`).";

export const eventsDoc = documented({
	summary: "Receive one webhook event",
	description: `Signed over the raw body bytes. Acknowledged after the event is claimed and enqueued; processing happens later. ${SOURCE_NOTE}`,
	tags: ["Ingest"],
	auth: "signature",
	requestBody: eventEnvelopeSchema,
	responses: {
		202: ["Accepted and enqueued", ack("accepted")],
		200: ["Duplicate of an accepted event (same id and body); not processed again", ack("duplicate")],
		400: ["Malformed JSON or envelope errors; `fields` names each bad field"],
		409: ["Same event_id with a different body, or another copy still being enqueued (Retry-After)"],
		...SHARED_ERRORS,
	},
});

export const batchDoc = documented({
	summary: "Receive up to MAX_BATCH_EVENTS events in one request",
	description: `Each event is validated and deduplicated on its own. ${SOURCE_NOTE}`,
	tags: ["Ingest"],
	auth: "signature",
	requestBody: z.object({ events: z.array(eventEnvelopeSchema).min(1) }),
	responses: {
		202: ["At least one event accepted", batchResultSchema],
		200: ["Nothing new: every valid event was a duplicate", batchResultSchema],
		400: ["No event in the batch is valid, or too many events"],
		...SHARED_ERRORS,
	},
});

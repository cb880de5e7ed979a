import { z } from "zod";

// Response shapes of the admin API. Row types come from these (z.infer), and
// the OpenAPI document renders them, so the contract is written once.

export const eventSummarySchema = z.object({
	event_id: z.string(),
	source: z.string(),
	event_type: z.string(),
	user_id: z.string().nullable(),
	occurred_at: z.number().int().describe("Event time, epoch ms"),
	received_at: z.number().int().describe("Ingest time, epoch ms"),
	processed_at: z.number().int(),
	latency_ms: z.number().int().describe("processed_at - received_at"),
	attempts: z.number().int(),
	status: z.enum(["processed", "unhandled"]),
	provider_event_id: z.string().nullable().describe("Provider sources: the provider's own event id (null for direct)"),
	provider_type: z.string().nullable().describe("Provider sources: the provider's own event type (null for direct)"),
});
export type EventSummary = z.infer<typeof eventSummarySchema>;

export const deadLetterStatus = z.enum(["open", "replayed", "discarded"]);

export const deadLetterSchema = z.object({
	id: z.number().int(),
	event_id: z.string(),
	event_type: z.string().nullable(),
	source: z.string().nullable(),
	error: z.string(),
	attempts: z.number().int(),
	received_at: z.number().int().nullable(),
	failed_at: z.number().int(),
	status: deadLetterStatus,
	resolved_at: z.number().int().nullable(),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export const deadLetterDetailSchema = deadLetterSchema.extend({ payload: z.unknown().describe("The original event, as received") });

export const attemptSchema = z.object({
	attempt: z.number().int(),
	error: z.string(),
	failed_at: z.number().int(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const eventDetailSchema = z.object({
	event_id: z.string(),
	event: eventSummarySchema
		.extend({
			payload: z.unknown().describe("The body as received (provider sources: the provider's JSON, byte for byte as signed)"),
			headers: z.record(z.string(), z.string()).nullable().describe("Provider sources: the delivery headers kept (never signatures)"),
		})
		.nullable()
		.describe("null while the event is not (yet) stored"),
	attempts: z.array(attemptSchema).describe("Failed attempts, oldest first"),
	dead_letters: z.array(deadLetterSchema),
});

export const page = <T extends z.ZodType>(item: T) =>
	z.object({ data: z.array(item), next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last") });

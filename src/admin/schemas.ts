import * as z from "../zod/mini";

// Response shapes of the admin API. Row types come from these (z.infer), and
// the OpenAPI document renders them, so the contract is written once.

export const eventSummarySchema = z.object({
	event_id: z.string(),
	source: z.string(),
	event_type: z.string(),
	user_id: z.nullable(z.string()),
	occurred_at: z.int().check(z.describe("Event time, epoch ms")),
	received_at: z.int().check(z.describe("Ingest time, epoch ms")),
	processed_at: z.int(),
	latency_ms: z.int().check(z.describe("processed_at - received_at")),
	attempts: z.int(),
	status: z.enum(["processed", "unhandled"]),
	provider_event_id: z.nullable(z.string()).check(z.describe("Provider sources: the provider's own event id (null for direct)")),
	provider_type: z.nullable(z.string()).check(z.describe("Provider sources: the provider's own event type (null for direct)")),
});
export type EventSummary = z.infer<typeof eventSummarySchema>;

export const deadLetterStatus = z.enum(["open", "replayed", "discarded"]);

export const deadLetterSchema = z.object({
	id: z.int(),
	event_id: z.string(),
	event_type: z.nullable(z.string()),
	source: z.nullable(z.string()),
	error: z.string(),
	attempts: z.int(),
	received_at: z.nullable(z.int()),
	failed_at: z.int(),
	status: deadLetterStatus,
	resolved_at: z.nullable(z.int()),
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;

export const deadLetterDetailSchema = z.extend(deadLetterSchema, {
	payload: z.unknown().check(z.describe("The original event, as received")),
});

export const attemptSchema = z.object({
	attempt: z.int(),
	error: z.string(),
	failed_at: z.int(),
});
export type Attempt = z.infer<typeof attemptSchema>;

export const eventDetailSchema = z.object({
	event_id: z.string(),
	event: z
		.nullable(
			z.extend(eventSummarySchema, {
				payload: z.unknown().check(z.describe("The body as received (provider sources: the provider's JSON, byte for byte as signed)")),
				headers: z
					.nullable(z.record(z.string(), z.string()))
					.check(z.describe("Provider sources: the delivery headers kept (never signatures)")),
			}),
		)
		.check(z.describe("null while the event is not (yet) stored")),
	attempts: z.array(attemptSchema).check(z.describe("Failed attempts, oldest first")),
	dead_letters: z.array(deadLetterSchema),
});

export const page = <T extends z.ZodMiniType>(item: T) =>
	z.object({
		data: z.array(item),
		next_cursor: z.nullable(z.string()).check(z.describe("Pass as cursor for the next page; null on the last")),
	});

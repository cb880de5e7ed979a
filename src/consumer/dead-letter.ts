import { isDelivery, type QueueMessage, queueMessageSchema, storedEventId, storedMessageSchema } from "../events/envelope";
import { insertRows } from "../shared/sql";
import * as z from "../zod/mini";
import { MAX_RETRIES } from "./retry-policy";

// What the main consumer sends to the dead-letter queue: the original message
// and why it died. Messages the queue itself moved there (retries exhausted
// without the consumer saying why, e.g. a crash or timeout) arrive bare.
export const deadLetterBodySchema = z.object({
	dead_letter: z.object({
		reason: z.enum(["permanent", "retries_exhausted"]),
		error: z.string(),
		attempts: z.int(),
		failed_at: z.int(),
	}),
	message: z.unknown(),
});

export type DeadLetterBody = z.infer<typeof deadLetterBodySchema>;

export interface DeadLetterRow {
	event_id: string;
	event_type: string | null;
	source: string | null;
	payload: string;
	error: string;
	attempts: number;
	received_at: number | null;
	failed_at: number;
	// The queue message as ingest built it (JSON), so replay rebuilds it
	// exactly; null for garbage that never was a message.
	message: string | null;
}

// The original message inside a dead-letter body (a bare one is its own).
export function originalMessage(body: unknown): unknown {
	const wrapped = deadLetterBodySchema.safeParse(body);
	return wrapped.success ? wrapped.data.message : body;
}

// Pure: any dead-letter queue message → the row that records it. Never
// throws, so even garbage is stored rather than dropped. `claimChecked` is
// the whole message a claim check points at, when the caller could read it
// back from R2: the row then shows its payload and type, and still keeps the
// pointer as its message, so replay reads the object again.
export function deadLetterRow(body: unknown, queueMessageId: string, now: number, claimChecked?: unknown): DeadLetterRow {
	const wrapped = deadLetterBodySchema.safeParse(body);
	const info = wrapped.success
		? wrapped.data.dead_letter
		: { error: "retries exhausted without a recorded error (consumer crash or timeout)", attempts: MAX_RETRIES + 1, failed_at: now };
	const original = wrapped.success ? wrapped.data.message : body;
	const parsed = queueMessageSchema.safeParse(original);
	if (parsed.success) return { ...messageFields(parsed.data), ...failure(info), message: JSON.stringify(parsed.data) };
	// A claim check: the event is in R2; the letter keeps the pointer, so
	// replay reads it back from there.
	const pointer = storedMessageSchema.safeParse(original);
	if (pointer.success) {
		const whole = queueMessageSchema.safeParse(claimChecked);
		if (whole.success) return { ...messageFields(whole.data), ...failure(info), message: JSON.stringify(pointer.data) };
		return {
			event_id: pointer.data.id,
			event_type: null,
			source: pointer.data.source,
			payload: JSON.stringify({ claim_check: pointer.data.ref, bytes: pointer.data.bytes }),
			error: info.error,
			attempts: info.attempts,
			received_at: pointer.data.received_at,
			failed_at: info.failed_at,
			message: JSON.stringify(pointer.data),
		};
	}
	const maybeEvent = (original as { event?: { event_id?: unknown; event_type?: unknown } } | null)?.event;
	return {
		event_id: typeof maybeEvent?.event_id === "string" ? maybeEvent.event_id : `unparseable:${queueMessageId}`,
		event_type: typeof maybeEvent?.event_type === "string" ? maybeEvent.event_type : null,
		source: null,
		payload: JSON.stringify(original) ?? "null",
		error: info.error,
		attempts: info.attempts,
		received_at: null,
		failed_at: info.failed_at,
		message: null,
	};
}

// What a dead letter shows of the message it keeps.
function messageFields(message: QueueMessage): Pick<DeadLetterRow, "event_id" | "event_type" | "source" | "payload" | "received_at"> {
	const delivery = isDelivery(message) ? message.delivery : null;
	return {
		event_id: storedEventId(message),
		event_type: delivery ? delivery.type : isDelivery(message) ? null : message.event.event_type,
		source: message.source,
		payload: delivery ? delivery.body : JSON.stringify(isDelivery(message) ? null : message.event),
		received_at: message.received_at,
	};
}

const failure = (info: { error: string; attempts: number; failed_at: number }) => ({
	error: info.error,
	attempts: info.attempts,
	failed_at: info.failed_at,
});

const DEAD_LETTER_COLUMNS = [
	"event_id",
	"event_type",
	"source",
	"payload",
	"error",
	"attempts",
	"received_at",
	"failed_at",
	"message",
] as const;

// One open dead letter per failed copy (event id and when it was accepted,
// migrations/0009): a redelivered dead letter refreshes it; a different
// copy of the same id gets its own.
const DEAD_LETTER_UPSERT = `ON CONFLICT (event_id, coalesce(received_at, -1)) WHERE status = 'open' DO UPDATE SET
	error = excluded.error, attempts = excluded.attempts, failed_at = excluded.failed_at, payload = excluded.payload,
	message = excluded.message`;

export function deadLetterStatements(db: D1Database, rows: readonly DeadLetterRow[]): D1PreparedStatement[] {
	return insertRows(db, "dead_letters", DEAD_LETTER_COLUMNS, rows, DEAD_LETTER_UPSERT);
}

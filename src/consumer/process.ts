import { type DerivedRows, PermanentError } from "../events/contract";
import { type EventMessage, eventMessageSchema } from "../events/envelope";
import { eventTypeFor } from "../events/registry";
import { fieldIssues } from "../shared/validation";

export interface EventRow {
	event_id: string;
	source: string;
	event_type: string;
	user_id: string | null;
	occurred_at: number;
	received_at: number;
	processed_at: number;
	latency_ms: number;
	attempts: number;
	status: "processed" | "unhandled";
	payload: string;
}

export interface ProcessedEvent {
	event: EventRow;
	derived: DerivedRows;
}

export function parseMessage(body: unknown): EventMessage {
	const result = eventMessageSchema.safeParse(body);
	if (result.success) return result.data;
	const fields = fieldIssues(result.error);
	throw new PermanentError("invalid_message", `queue message: ${fields.map((f) => `${f.field} ${f.message}`).join("; ")}`);
}

// Pure: one queue message → the rows to write. Throws PermanentError when the
// event's data is wrong for its type.
export function processMessage(message: EventMessage, attempts: number, now: number): ProcessedEvent {
	const { event } = message;
	const occurredAt = Date.parse(event.timestamp);
	const handler = eventTypeFor(event.event_type);
	const derived = handler ? handler.derive(event, occurredAt) : {};
	return {
		event: {
			event_id: event.event_id,
			source: message.source,
			event_type: event.event_type,
			user_id: event.user_id ?? null,
			occurred_at: occurredAt,
			received_at: message.received_at,
			processed_at: now,
			latency_ms: Math.max(0, now - message.received_at),
			attempts,
			status: handler ? "processed" : "unhandled",
			payload: JSON.stringify(event),
		},
		derived,
	};
}

import { type DerivedRows, PermanentError } from "../events/contract";
import { deliveryMessageSchema, eventMessageSchema, isDelivery, type QueueMessage, storedEventId } from "../events/envelope";
import { eventTypeFor } from "../events/registry";
import type { EventRow } from "../shared/event-row";
import { fieldIssues } from "../shared/validation";
import { canonicalEvent } from "../sources/canonical";
import type { Source } from "../sources/config";

export interface ProcessedEvent {
	event: EventRow;
	derived: DerivedRows;
}

// Either message shape; a body that claims to be a delivery is held to the
// delivery schema, anything else to the direct one, so errors name fields.
export function parseMessage(body: unknown): QueueMessage {
	const isDeliveryBody = (body as { kind?: unknown } | null)?.kind === "delivery";
	const result = (isDeliveryBody ? deliveryMessageSchema : eventMessageSchema).safeParse(body);
	if (result.success) return result.data;
	const fields = fieldIssues(result.error);
	throw new PermanentError("invalid_message", `queue message: ${fields.map((f) => `${f.field} ${f.message}`).join("; ")}`);
}

// Pure: one queue message → the rows to write. Throws PermanentError when the
// event's data is wrong for its type (or a mapping does not fit).
export function processMessage(message: QueueMessage, attempts: number, now: number, sources: readonly Source[] = []): ProcessedEvent {
	const delivery = isDelivery(message) ? message.delivery : null;
	const event = isDelivery(message) ? canonicalEvent(message, sources) : message.event;
	const occurredAt = event ? Date.parse(event.timestamp) : (delivery?.occurred_at ?? message.received_at);
	const handler = event ? eventTypeFor(event.event_type) : undefined;
	const derived = handler && event ? handler.derive(event, occurredAt) : {};
	return {
		event: {
			event_id: storedEventId(message),
			source: message.source,
			event_type: event?.event_type ?? delivery?.type ?? "unknown",
			user_id: event?.user_id ?? null,
			occurred_at: occurredAt,
			received_at: message.received_at,
			processed_at: now,
			latency_ms: Math.max(0, now - message.received_at),
			attempts,
			status: handler ? "processed" : "unhandled",
			// Direct events as sent (re-serialised); deliveries byte for byte.
			payload: delivery ? delivery.body : JSON.stringify(event),
			provider_event_id: delivery?.id ?? null,
			provider_type: delivery?.type ?? null,
			headers: delivery ? JSON.stringify(delivery.headers) : null,
			body_hash: null,
			archive_object: null,
			archive_line: null,
		},
		derived,
	};
}

import { PermanentError } from "../events/contract";
import { type DeliveryMessage, type EventEnvelope, storedEventId } from "../events/envelope";
import { findSource, mappingsFor, type Source } from "./config";
import { mapEvent } from "./mapping";

// A provider delivery as our canonical envelope, or null when its source has
// no mapping for the provider's type (archived as unhandled, never failed).
// A mapping that does not fit the payload fails permanently, naming the path.
// Pure: the consumer calls it to derive rows, and forwarding calls it again
// to build an `event` or `dashboard` body from the stored delivery, so both
// see the same event.
export function canonicalEvent(message: DeliveryMessage, sources: readonly Source[]): EventEnvelope | null {
	const source = findSource(sources, message.source);
	if (!source) throw new PermanentError("unknown_source", `no source named "${message.source}" is configured`);
	let payload: unknown;
	try {
		payload = JSON.parse(message.delivery.body);
	} catch {
		throw new PermanentError("invalid_delivery", `${message.source} delivery ${message.delivery.id}: body is not JSON`);
	}
	const { id, type, occurred_at } = message.delivery;
	const result = mapEvent(
		{ identity: { id, type, occurredAt: occurred_at }, payload, receivedAtMs: message.received_at },
		mappingsFor(source),
	);
	if (result.kind === "unhandled") return null;
	if (result.kind === "failed") throw new PermanentError(result.code, `${message.source}: ${result.message}`);
	return { ...result.event, event_id: storedEventId(message) };
}

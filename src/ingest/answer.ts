import { ApiError } from "../shared/errors";
import { type EventOutcome, eventStatus } from "./status";

const MESSAGES: Record<Exclude<EventOutcome, "accepted" | "duplicate">, string> = {
	conflict: "This event id was already used with a different body",
	in_flight: "Another copy of this event is still being enqueued; retry shortly",
	queue_unavailable: "The event queue is unavailable; retry later",
	idempotency_unavailable: "The idempotency store is unavailable; retry later",
	rejected: "The event is not valid",
	too_large: "The event is too large to queue",
};

// The answer to a request that carried one event, from how its claim went:
// 2xx only when the event is durably on the queue (or already was), 503 with
// Retry-After for anything a retry can fix, 409 only for a true conflict.
// Shared by /webhook/events and every provider source route.
export function singleEventAnswer(outcome: EventOutcome | undefined, eventId: string): { status: 200 | 202; body: Record<string, string> } {
	const settled = outcome ?? "in_flight";
	const decision = eventStatus(settled);
	if (settled === "accepted") return { status: 202, body: { status: "accepted", event_id: eventId } };
	if (settled === "duplicate")
		return { status: 200, body: { status: "duplicate", event_id: eventId, message: "Already accepted; not processed again" } };
	const retryAfter: Record<string, string> =
		decision.retryAfterSeconds === undefined ? {} : { "Retry-After": String(decision.retryAfterSeconds) };
	throw new ApiError(
		decision.status as 400 | 409 | 413 | 503,
		decision.error ?? "rejected",
		MESSAGES[settled],
		{ event_id: eventId },
		retryAfter,
	);
}

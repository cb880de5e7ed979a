import { ApiError } from "../shared/errors";
import type { AcceptOutcome } from "./accept";

// The answer to a request that carried one event, from how its claim went.
// Shared by /webhook/events and every provider source route.
export function singleEventAnswer(
	outcome: AcceptOutcome | undefined,
	eventId: string,
): { status: 200 | 202; body: Record<string, string> } {
	switch (outcome) {
		case "accepted":
			return { status: 202, body: { status: "accepted", event_id: eventId } };
		case "duplicate":
			return { status: 200, body: { status: "duplicate", event_id: eventId, message: "Already accepted; not processed again" } };
		case "conflict":
			throw new ApiError(409, "idempotency_conflict", "This event id was already used with a different body", { event_id: eventId });
		case "queue_unavailable":
			throw new ApiError(
				503,
				"queue_unavailable",
				"The event queue is unavailable; retry later",
				{ event_id: eventId },
				{ "Retry-After": "5" },
			);
		default:
			throw new ApiError(
				409,
				"in_flight",
				"Another copy of this event is still being enqueued; retry shortly",
				{ event_id: eventId },
				{ "Retry-After": "1" },
			);
	}
}

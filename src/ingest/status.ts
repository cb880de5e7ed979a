import { ApiError, retryAfter } from "../shared/errors";

// The ingest status rules: one pure mapper (statusOf) from per-event outcomes
// to the HTTP status, and the answers built on it for both routes.
//
// Why ("Never make a sender drop an event"): webhook senders treat any 2xx as
// "delivered, forget it" and most of them only retry on 5xx/429 (many drop on
// 4xx). So a 2xx is only allowed when every event is safely on the queue
// (accepted) or was already (duplicate); anything transient is a 503 with
// Retry-After so the sender retries the WHOLE request, and the events that
// made it are then answered "duplicate" — nothing is enqueued twice and
// nothing is dropped. A 4xx is only for what a retry cannot fix.
//
// Retry-After (RFC 9110 §10.2.3): with a 503 it says how long the service is
// expected to be unavailable; the value is a non-negative decimal integer of
// seconds, so retryAfterSeconds is always a whole number ≥ 0.
//
// Per-event outcomes:
//   accepted                 claimed, enqueued, committed
//   duplicate                same id and same body already accepted (or an
//                            identical copy earlier in the same batch)
//   conflict                 same id, different body, inside the window
//   in_flight                another copy of this id is being enqueued now
//   queue_unavailable        sendBatch failed; the claim was released
//   idempotency_unavailable  the shard did not answer (if it queued the event
//                            and its answer was lost, the retry is a duplicate)
//   rejected                 failed envelope validation
//   too_large                over the queue's per-message limit
//
// POST /webhook/events and every provider source route (one event) —
// statusOf([outcome]):
//   outcome                  status  error code               Retry-After
//   accepted                 202     —                        —
//   duplicate                200     —                        —
//   conflict                 409     idempotency_conflict     —
//   in_flight                503     in_flight                1 s  (inFlightSeconds)
//   queue_unavailable        503     queue_unavailable        5 s  (queueSeconds)
//   idempotency_unavailable  503     idempotency_unavailable  5 s  (idempotencySeconds)
//   rejected                 400     validation_failed        —
//   too_large                413     event_too_large          —
//
// POST /webhook/batch — statusOf(outcomes); first matching row wins:
//   #  when                                            status  error code                Retry-After
//   1  no events                                       400     validation_failed         —
//   2  any in_flight / queue_unavailable /             503     idempotency_unavailable   largest delay among
//      idempotency_unavailable (whatever the others)           if any, else queue_…,     the retryable events
//                                                              else in_flight
//   3  every event accepted or duplicate, ≥1 accepted  202     —                         —
//   4  every event duplicate                           200     —                         —
//   5  any rejected (no retryable)                     400     validation_failed         —
//   6  any too_large (no retryable, no rejected)       413     event_too_large           —
//   7  otherwise: conflicts, rest accepted/duplicate   409     idempotency_conflict      —
//
// Row 2 beats the 4xx rows on purpose: a 4xx would make most senders drop the
// batch, losing the retryable events with it. Once those have gone through,
// the same batch is answered by rows 5-7 and its per-event results name the
// bad events. Rows 5-7 go from what the sender must fix first: a malformed
// event (400), then one that is valid but too big to queue (413), then an id
// reused with a different body (409). In rows 5-7 the accepted events ARE on
// the queue: the body's per-event results say so, and a corrected retry of the
// whole batch is answered "duplicate" for them.
//
// A single-event batch gets the same status as the single-event route: both
// are statusOf.

export type EventOutcome =
	| "accepted"
	| "duplicate"
	| "conflict"
	| "in_flight"
	| "queue_unavailable"
	| "idempotency_unavailable"
	| "rejected"
	| "too_large";

export type IngestErrorCode =
	| "idempotency_conflict"
	| "in_flight"
	| "queue_unavailable"
	| "idempotency_unavailable"
	| "validation_failed"
	| "event_too_large";

// The answer's status and machine code (null for 2xx); Retry-After exactly
// with 503.
export type StatusDecision =
	| { status: 200 | 202; error: null; retryAfterSeconds?: undefined }
	| { status: 400 | 409 | 413; error: IngestErrorCode; retryAfterSeconds?: undefined }
	| { status: 503; error: Retryable; retryAfterSeconds: number };

export interface RetryDelays {
	// A pending claim settles when the other copy's enqueue finishes; short.
	inFlightSeconds?: number;
	queueSeconds?: number;
	idempotencySeconds?: number;
}

export const DEFAULT_RETRY_DELAYS: Required<RetryDelays> = {
	inFlightSeconds: 1,
	queueSeconds: 5,
	idempotencySeconds: 5,
};

type Retryable = "in_flight" | "queue_unavailable" | "idempotency_unavailable";

export function isRetryable(outcome: EventOutcome): outcome is Retryable {
	return outcome === "in_flight" || outcome === "queue_unavailable" || outcome === "idempotency_unavailable";
}

export function statusOf(outcomes: readonly EventOutcome[], delays: RetryDelays = {}): StatusDecision {
	if (outcomes.length === 0) return { status: 400, error: "validation_failed" };
	const seen = new Set(outcomes);

	const retryable = (["idempotency_unavailable", "queue_unavailable", "in_flight"] as const).filter((o) => seen.has(o));
	const [first] = retryable;
	if (first !== undefined) {
		const retryAfterSeconds = Math.max(...retryable.map((o) => retryDelay(o, delays)));
		return { status: 503, retryAfterSeconds, error: first };
	}
	if (outcomes.every((o) => o === "accepted" || o === "duplicate")) {
		return seen.has("accepted") ? { status: 202, error: null } : { status: 200, error: null };
	}
	if (seen.has("rejected")) return { status: 400, error: "validation_failed" };
	if (seen.has("too_large")) return { status: 413, error: "event_too_large" };
	return { status: 409, error: "idempotency_conflict" };
}

// The 2xx status for these outcomes, else throws the ApiError the one
// onError shapes: the decision's code and Retry-After, with the message and
// body fields the route gives.
export function settle(
	outcomes: readonly EventOutcome[],
	details: Record<string, unknown>,
	messageFor: (decision: Exclude<StatusDecision, { error: null }>) => string,
): 200 | 202 {
	const decision = statusOf(outcomes);
	if (decision.error === null) return decision.status;
	const headers = decision.retryAfterSeconds === undefined ? undefined : retryAfter(decision.retryAfterSeconds);
	throw new ApiError(decision.status, { code: decision.error, message: messageFor(decision), details, headers });
}

// One event's error code names its outcome, so it keys the message.
const EVENT_MESSAGES: Record<IngestErrorCode, string> = {
	idempotency_conflict: "This event id was already used with a different body",
	in_flight: "Another copy of this event is still being enqueued; retry shortly",
	queue_unavailable: "The event queue is unavailable; retry later",
	idempotency_unavailable: "The idempotency store is unavailable; retry later",
	validation_failed: "The event is not valid",
	event_too_large: "The event is too large to queue",
};

// The answer to a request that carried one event, from how its claim went
// (no answer from the shard counts as in_flight): 2xx only when the event is
// durably on the queue (or already was), 503 with Retry-After for anything a
// retry can fix, 409 only for a true conflict. Shared by /webhook/events and
// every provider source route.
export function singleEventAnswer(outcome: EventOutcome | undefined, eventId: string): { status: 200 | 202; body: Record<string, string> } {
	const status = settle([outcome ?? "in_flight"], { event_id: eventId }, (decision) => EVENT_MESSAGES[decision.error]);
	if (status === 202) return { status, body: { status: "accepted", event_id: eventId } };
	return { status, body: { status: "duplicate", event_id: eventId, message: "Already accepted; not processed again" } };
}

const BATCH_MESSAGES = {
	400: "Some events in the batch are not valid; the others' results are listed",
	409: "Some event ids were already used with a different body",
	413: "Some events are too large to queue",
	503: "Some events could not be enqueued yet; retry the whole batch (accepted ones will be answered duplicate)",
} as const;

// The status of a batch whose per-event results are `summary` (2xx), else
// throws with the summary as the error body's fields.
export const batchAnswer = (outcomes: readonly EventOutcome[], summary: Record<string, unknown>): 200 | 202 =>
	settle(outcomes, summary, (decision) => BATCH_MESSAGES[decision.status]);

const DELAY_KEY = {
	in_flight: "inFlightSeconds",
	queue_unavailable: "queueSeconds",
	idempotency_unavailable: "idempotencySeconds",
} as const;

function retryDelay(outcome: Retryable, delays: RetryDelays): number {
	const key = DELAY_KEY[outcome];
	const seconds = delays[key];
	// Retry-After takes whole non-negative seconds: round up so a retry never
	// comes earlier than configured; a NaN, infinite or negative setting falls
	// back to the default rather than inviting an immediate retry storm.
	if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return DEFAULT_RETRY_DELAYS[key];
	return Math.ceil(seconds);
}

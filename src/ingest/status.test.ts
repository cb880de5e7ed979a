import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError } from "../shared/errors";
import { DEFAULT_RETRY_DELAYS, type EventOutcome, isRetryable, singleEventAnswer, statusOf } from "./status";

const ALL: EventOutcome[] = [
	"accepted",
	"duplicate",
	"conflict",
	"in_flight",
	"queue_unavailable",
	"idempotency_unavailable",
	"rejected",
	"too_large",
];
const outcome = fc.constantFrom(...ALL);

describe("statusOf one event (POST /webhook/events, provider routes)", () => {
	it.each([
		["accepted", { status: 202, error: null }],
		["duplicate", { status: 200, error: null }],
		["conflict", { status: 409, error: "idempotency_conflict" }],
		["in_flight", { status: 503, error: "in_flight", retryAfterSeconds: 1 }],
		["queue_unavailable", { status: 503, error: "queue_unavailable", retryAfterSeconds: 5 }],
		["idempotency_unavailable", { status: 503, error: "idempotency_unavailable", retryAfterSeconds: 5 }],
		["rejected", { status: 400, error: "validation_failed" }],
		["too_large", { status: 413, error: "event_too_large" }],
	] as const)("answers %s with %o", (o, expected) => {
		expect(statusOf([o])).toEqual(expected);
	});

	it("takes the Retry-After delays from the options", () => {
		const delays = { inFlightSeconds: 2, queueSeconds: 30, idempotencySeconds: 7 };
		expect(statusOf(["in_flight"], delays).retryAfterSeconds).toBe(2);
		expect(statusOf(["queue_unavailable"], delays).retryAfterSeconds).toBe(30);
		expect(statusOf(["idempotency_unavailable"], delays).retryAfterSeconds).toBe(7);
	});

	it("sends Retry-After as whole seconds, rounded up, and never NaN or negative", () => {
		expect(statusOf(["in_flight"], { inFlightSeconds: 0.2 }).retryAfterSeconds).toBe(1);
		expect(statusOf(["in_flight"], { inFlightSeconds: 0 }).retryAfterSeconds).toBe(0);
		expect(statusOf(["queue_unavailable"], { queueSeconds: Number.NaN }).retryAfterSeconds).toBe(DEFAULT_RETRY_DELAYS.queueSeconds);
		expect(statusOf(["queue_unavailable"], { queueSeconds: -3 }).retryAfterSeconds).toBe(DEFAULT_RETRY_DELAYS.queueSeconds);
		expect(statusOf(["queue_unavailable"], { queueSeconds: Number.POSITIVE_INFINITY }).retryAfterSeconds).toBe(
			DEFAULT_RETRY_DELAYS.queueSeconds,
		);
	});

	it("gives Retry-After exactly with 503, and an error code exactly with non-2xx", () => {
		for (const o of ALL) {
			const d = statusOf([o]);
			expect(d.retryAfterSeconds !== undefined).toBe(d.status === 503);
			expect(d.error === null).toBe(d.status < 300);
		}
	});
});

describe("statusOf a batch (POST /webhook/batch)", () => {
	// One test per row of the table in status.ts.
	it("row 1: an empty batch is 400 validation_failed", () => {
		expect(statusOf([])).toEqual({ status: 400, error: "validation_failed" });
	});

	it.each([
		[["accepted", "queue_unavailable"], "queue_unavailable", 5],
		[["duplicate", "in_flight"], "in_flight", 1],
		[["accepted", "idempotency_unavailable"], "idempotency_unavailable", 5],
		[["rejected", "conflict", "too_large", "in_flight"], "in_flight", 1],
		[["in_flight", "queue_unavailable"], "queue_unavailable", 5],
		[["queue_unavailable", "idempotency_unavailable", "in_flight"], "idempotency_unavailable", 5],
	] as [EventOutcome[], string, number][])(
		"row 2: %j is 503 %s, Retry-After %i, even with invalid or accepted events",
		(outcomes, error, retryAfterSeconds) => {
			expect(statusOf(outcomes)).toEqual({ status: 503, error, retryAfterSeconds });
		},
	);

	it("row 2: Retry-After is the longest delay among the retryable events", () => {
		const delays = { inFlightSeconds: 9, queueSeconds: 2, idempotencySeconds: 4 };
		expect(statusOf(["queue_unavailable", "in_flight"], delays)).toMatchObject({ error: "queue_unavailable", retryAfterSeconds: 9 });
		expect(statusOf(["queue_unavailable", "idempotency_unavailable"], delays)).toMatchObject({ retryAfterSeconds: 4 });
	});

	it("row 3: every event accepted or duplicate, at least one accepted, is 202", () => {
		expect(statusOf(["accepted"])).toEqual({ status: 202, error: null });
		expect(statusOf(["duplicate", "accepted", "duplicate"])).toEqual({ status: 202, error: null });
	});

	it("row 4: every event a duplicate is 200", () => {
		expect(statusOf(["duplicate", "duplicate"])).toEqual({ status: 200, error: null });
	});

	it("row 5: any invalid event (nothing retryable) is 400, even beside accepted, conflicting or too-large events", () => {
		for (const outcomes of [
			["rejected"],
			["accepted", "rejected"],
			["rejected", "conflict", "too_large", "duplicate"],
		] as EventOutcome[][]) {
			expect(statusOf(outcomes)).toEqual({ status: 400, error: "validation_failed" });
		}
	});

	it("row 6: a too-large event, with no invalid or retryable one, is 413", () => {
		for (const outcomes of [["too_large"], ["accepted", "too_large"], ["too_large", "conflict"]] as EventOutcome[][]) {
			expect(statusOf(outcomes)).toEqual({ status: 413, error: "event_too_large" });
		}
	});

	it("row 7: conflicts beside accepted or duplicate events only are 409", () => {
		for (const outcomes of [["conflict"], ["accepted", "conflict"], ["duplicate", "conflict", "conflict"]] as EventOutcome[][]) {
			expect(statusOf(outcomes)).toEqual({ status: 409, error: "idempotency_conflict" });
		}
	});

	it("answers 2xx exactly when every event is accepted or duplicate (property)", () => {
		fc.assert(
			fc.property(fc.array(outcome, { minLength: 1, maxLength: 12 }), (outcomes) => {
				const { status } = statusOf(outcomes);
				expect(status < 300).toBe(outcomes.every((o) => o === "accepted" || o === "duplicate"));
			}),
			{ numRuns: 1000 },
		);
	});

	it("answers 503 with Retry-After exactly when some event is retryable, so none is dropped (property)", () => {
		fc.assert(
			fc.property(fc.array(outcome, { minLength: 1, maxLength: 12 }), (outcomes) => {
				const d = statusOf(outcomes);
				expect(d.status === 503).toBe(outcomes.some(isRetryable));
				expect(d.retryAfterSeconds !== undefined).toBe(d.status === 503);
			}),
			{ numRuns: 1000 },
		);
	});

	it("does not depend on the order of the events (property)", () => {
		fc.assert(
			fc.property(
				fc
					.array(outcome, { minLength: 1, maxLength: 12 })
					.chain((o) => fc.tuple(fc.constant(o), fc.shuffledSubarray(o, { minLength: o.length, maxLength: o.length }))),
				([outcomes, shuffled]) => {
					expect(statusOf(shuffled)).toEqual(statusOf(outcomes));
				},
			),
			{ numRuns: 500 },
		);
	});

	it("answers a one-event request with that decision: 2xx returned, anything else thrown with its code and Retry-After", () => {
		for (const o of ALL) {
			const d = statusOf([o]);
			let answered: { status: number; error: string | null; retryAfter: string | undefined };
			try {
				answered = { status: singleEventAnswer(o, "evt_1").status, error: null, retryAfter: undefined };
			} catch (err) {
				if (!(err instanceof ApiError)) throw err;
				expect(err.details).toEqual({ event_id: "evt_1" });
				answered = { status: err.status, error: err.code, retryAfter: err.headers["Retry-After"] };
			}
			expect(answered).toEqual({ status: d.status, error: d.error, retryAfter: d.retryAfterSeconds?.toString() });
		}
	});
});

describe("per-event error codes for the batch body", () => {
	it.each([
		["accepted", null],
		["duplicate", null],
		["conflict", "idempotency_conflict"],
		["in_flight", "in_flight"],
		["queue_unavailable", "queue_unavailable"],
		["idempotency_unavailable", "idempotency_unavailable"],
		["rejected", "validation_failed"],
		["too_large", "event_too_large"],
	] as const)("names %s as %s, the code the single-event route would answer", (o, code) => {
		expect(statusOf([o]).error).toBe(code);
	});

	it("calls exactly the three transient outcomes retryable", () => {
		expect(ALL.filter(isRetryable)).toEqual(["in_flight", "queue_unavailable", "idempotency_unavailable"]);
	});
});

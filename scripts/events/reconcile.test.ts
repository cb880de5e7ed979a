import { describe, expect, it } from "vitest";
import type { Outcome } from "./http";
import { acceptedIds, type Intent, isSound, type LandedRow, reconcile, type SendRecord } from "./reconcile";

const sent = (eventId: string, outcome: Outcome = "accepted", intent: Intent = "valid", ackMs = 5): SendRecord => ({
	eventId,
	intent,
	outcome,
	ackMs,
});
const inEvents = (event_id: string, latency_ms = 100): LandedRow => ({ event_id, table: "events", latency_ms, error: null });
const inDeadLetters = (event_id: string, error = "usage_tracked: metadata.feature Required"): LandedRow => ({
	event_id,
	table: "dead_letters",
	latency_ms: null,
	error,
});

describe("reconciliation", () => {
	it("is sound when every accepted event landed once, and counts where", () => {
		const r = reconcile(
			[sent("a"), sent("b"), sent("a", "duplicate"), sent("p", "accepted", "poison"), sent("x", "rejected")],
			[inEvents("a", 120), inEvents("b", 80), inDeadLetters("p")],
		);
		expect(r).toMatchObject({ accepted: 3, processed: 2, lost: [], doubleCounted: [], misrouted: [], unconfirmed: [] });
		expect(r.deadLettered).toEqual({ poison: 1, afterRetries: 0, errors: ["usage_tracked: metadata.feature Required"] });
		expect(r.e2e).toMatchObject({ count: 2, p50: 80, max: 120 });
		expect(isSound(r)).toBe(true);
	});

	it("counts events archived as unhandled among those stored in events", () => {
		const r = reconcile([sent("a"), sent("b")], [inEvents("a"), { ...inEvents("b"), status: "unhandled" }]);
		expect(r).toMatchObject({ processed: 2, unhandled: 1, lost: [] });
	});

	it("flags an accepted event that never landed as lost", () => {
		const r = reconcile([sent("a"), sent("b"), sent("c")], [inEvents("a"), inEvents("c")]);
		expect(r.lost).toEqual(["b"]);
		expect(isSound(r)).toBe(false);
	});

	it("flags an accepted poison event that never reached dead_letters as lost", () => {
		const r = reconcile([sent("p", "accepted", "poison")], []);
		expect(r.lost).toEqual(["p"]);
	});

	it("flags an event stored both processed and dead-lettered as double-counted", () => {
		const r = reconcile([sent("a")], [inEvents("a"), inDeadLetters("a", "chaos: injected transient failure")]);
		expect(r.doubleCounted).toEqual([{ eventId: "a", reason: "stored 2 times (events + dead_letters)" }]);
		expect(isSound(r)).toBe(false);
	});

	it("flags an event stored twice in the same table as double-counted", () => {
		const r = reconcile([sent("a")], [inEvents("a"), inEvents("a")]);
		expect(r.doubleCounted.map((d) => d.eventId)).toEqual(["a"]);
	});

	it("flags an event_id acknowledged 202 twice as double-counted even if stored once", () => {
		const r = reconcile([sent("a"), sent("a")], [inEvents("a")]);
		expect(r.doubleCounted).toEqual([{ eventId: "a", reason: "acknowledged 202 2 times" }]);
		expect(r.accepted).toBe(1);
	});

	it("flags poison that was processed instead of dead-lettered", () => {
		const r = reconcile([sent("p", "accepted", "poison")], [inEvents("p")]);
		expect(r.misrouted).toEqual(["p"]);
		expect(isSound(r)).toBe(false);
	});

	it("counts valid events dead-lettered after retries as such, not as lost", () => {
		const r = reconcile([sent("a"), sent("b")], [inEvents("a"), inDeadLetters("b", "TransientError: chaos")]);
		expect(r.lost).toEqual([]);
		expect(r.deadLettered.afterRetries).toBe(1);
		expect(isSound(r)).toBe(true);
	});

	it("reports events that landed without a 202 the sender saw, without calling them lost", () => {
		const r = reconcile([sent("a", "no_response")], [inEvents("a")]);
		expect(r.unconfirmed).toEqual(["a"]);
		expect(r.accepted).toBe(0);
		expect(isSound(r)).toBe(true);
	});

	it("does not count rejected or duplicate sends as needing to land", () => {
		const r = reconcile([sent("a", "rejected"), sent("b", "duplicate"), sent("c", "conflict")], []);
		expect(r.lost).toEqual([]);
		expect(acceptedIds([sent("a", "rejected"), sent("b")])).toEqual(new Set(["b"]));
	});
});

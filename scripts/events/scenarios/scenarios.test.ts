import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../../src/events/envelope";
import { batchRecords } from "./batch";
import { judge } from "./invalid";

const event = (id: string): EventEnvelope => ({
	event_id: id,
	event_type: "user_signup",
	timestamp: "2026-11-27T10:00:00Z",
	user_id: "u1",
});

describe("batch records", () => {
	it("settles each event of a batch from its own result", () => {
		const records = batchRecords([event("a"), event("b"), event("c")], {
			status: 202,
			ms: 12,
			body: {
				accepted: 1,
				duplicates: 1,
				rejected: 1,
				results: [
					{ index: 0, status: "accepted" },
					{ index: 1, status: "duplicate" },
					{ index: 2, status: "rejected", error: "in_flight" },
				],
			},
		});
		expect(records.map((r) => [r.eventId, r.outcome, r.ackMs])).toEqual([
			["a", "accepted", 12],
			["b", "duplicate", 12],
			["c", "rejected", 12],
		]);
	});

	it("counts nothing as accepted when the batch got no response or a 5xx", () => {
		expect(batchRecords([event("a")], { status: 0, ms: 1, body: null })[0]!.outcome).toBe("no_response");
		expect(batchRecords([event("a")], { status: 503, ms: 1, body: { error: "queue_unavailable" } })[0]!.outcome).toBe("unavailable");
	});
});

describe("judging bad input", () => {
	it("accepts only the expected status, and for a 4xx only the JSON error shape", () => {
		expect(judge(400, { status: 400, body: { error: "invalid_json", message: "x" } })).toBeNull();
		expect(judge(400, { status: 400, body: "Bad Request" })).toMatch(/not a clean/);
		expect(judge(401, { status: 400, body: { error: "e", message: "m" } })).toBe("expected 401, got 400");
		expect(judge(413, { status: 500, body: {} })).toBe("expected 413, got 500");
		expect(judge(202, { status: 202, body: { status: "accepted" } })).toBeNull();
		expect(judge(400, { status: 0, body: null })).toBe("expected 400, got no response");
	});
});

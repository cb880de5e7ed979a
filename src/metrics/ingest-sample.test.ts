import { describe, expect, it } from "vitest";
import { ingestSample } from "./ingest-sample";

const now = Date.parse("2026-11-27T10:00:42.500Z");

describe("ingest samples", () => {
	it("counts single events by their answer, in the minute they arrived", () => {
		expect(ingestSample(202, { status: "accepted" }, 7, now)).toEqual({
			source: "direct",
			at: now,
			minute: Date.parse("2026-11-27T10:00:00Z"),
			accepted: 1,
			duplicates: 0,
			rejected: {},
			control: 0,
			ackMs: 7,
		});
		expect(ingestSample(202, { status: "accepted" }, 7, now, "stripe").source).toBe("stripe");
		expect(ingestSample(200, { status: "duplicate" }, 1, now).duplicates).toBe(1);
		expect(ingestSample(401, { error: "invalid_signature" }, 1, now).rejected).toEqual({ invalid_signature: 1 });
		expect(ingestSample(409, { error: "in_flight" }, 1, now).rejected).toEqual({ in_flight: 1 });
	});

	it("counts a batch per event from its results, rejections by reason", () => {
		const body = {
			results: [
				{ status: "accepted" },
				{ status: "accepted" },
				{ status: "duplicate" },
				{ status: "rejected", error: "validation_failed" },
				{ status: "rejected", error: "validation_failed" },
				{ status: "rejected", error: "idempotency_conflict" },
			],
		};
		expect(ingestSample(202, body, 3, now)).toMatchObject({
			accepted: 2,
			duplicates: 1,
			rejected: { validation_failed: 2, idempotency_conflict: 1 },
		});
		// A batch refused as a whole with per-event results is still per event.
		expect(
			ingestSample(400, { error: "validation_failed", results: [{ status: "rejected", error: "validation_failed" }] }, 1, now).rejected,
		).toEqual({
			validation_failed: 1,
		});
	});

	it("counts an answer that carries no event (a challenge, a ping) as control, not as a duplicate", () => {
		expect(ingestSample(200, { challenge: "abc" }, 1, now)).toMatchObject({ control: 1, duplicates: 0, accepted: 0 });
		expect(ingestSample(200, { status: "pong" }, 1, now)).toMatchObject({ control: 1, duplicates: 0 });
	});

	it("counts a request refused before parsing once, with a fallback reason", () => {
		expect(ingestSample(413, { error: "payload_too_large" }, 1, now).rejected).toEqual({ payload_too_large: 1 });
		expect(ingestSample(500, null, 1, now).rejected).toEqual({ http_500: 1 });
	});
});

import { describe, expect, it } from "vitest";
import { PermanentError } from "../events/contract";
import { parseMessage, processMessage } from "./process";

const receivedAt = Date.parse("2026-11-27T10:00:01.000Z");
const message = (event_type: string, metadata: Record<string, unknown> = {}) => ({
	event: { event_id: "evt_p1", event_type, timestamp: "2026-11-27T10:00:00+01:00", user_id: "user_1", metadata },
	received_at: receivedAt,
	source: "stripe",
});

describe("processing one message", () => {
	it("builds the event row with latency and derived rows from the type's handler", () => {
		const { event, derived } = processMessage(message("usage_tracked", { feature: "api" }), 2, receivedAt + 250);
		expect(event).toMatchObject({
			event_id: "evt_p1",
			source: "stripe",
			occurred_at: Date.parse("2026-11-27T09:00:00Z"),
			received_at: receivedAt,
			processed_at: receivedAt + 250,
			latency_ms: 250,
			attempts: 2,
			status: "processed",
		});
		expect(JSON.parse(event.payload).metadata).toEqual({ feature: "api" });
		expect(derived.usage_records).toHaveLength(1);
	});

	it("stores unknown types as unhandled with no derived rows", () => {
		const { event, derived } = processMessage(message("invoice_paid"), 1, receivedAt);
		expect(event.status).toBe("unhandled");
		expect(derived).toEqual({});
	});

	it("lets a handler's validation failure surface as permanent", () => {
		expect(() => processMessage(message("usage_tracked", { quantity: -1 }), 1, receivedAt)).toThrow(PermanentError);
	});

	it("rejects a queue message that is not an event message", () => {
		expect(() => parseMessage({ hello: "world" })).toThrow(PermanentError);
		expect(parseMessage(message("x")).source).toBe("stripe");
	});
});

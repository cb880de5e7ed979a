import { describe, expect, it } from "vitest";
import { fieldIssues } from "../shared/validation";
import { eventEnvelopeSchema } from "./envelope";

const valid = {
	event_id: "evt_123",
	event_type: "user_signup",
	timestamp: "2026-11-27T10:00:00.000Z",
	user_id: "user_1",
	metadata: { email: "a@example.com" },
};

function issuesOf(input: unknown) {
	const result = eventEnvelopeSchema.safeParse(input);
	return result.success ? [] : fieldIssues(result.error);
}

describe("event envelope", () => {
	it("accepts a complete envelope and keeps unknown top-level fields", () => {
		const parsed = eventEnvelopeSchema.parse({ ...valid, provider_extra: { a: 1 } });
		expect(parsed.provider_extra).toEqual({ a: 1 });
	});

	it("accepts an envelope without user_id and metadata, and zone offsets", () => {
		expect(issuesOf({ event_id: "e", event_type: "t", timestamp: "2026-11-27T10:00:00+05:30" })).toEqual([]);
	});

	it("names every missing required field", () => {
		expect(
			issuesOf({})
				.map((i) => i.field)
				.sort(),
		).toEqual(["event_id", "event_type", "timestamp"]);
	});

	it("rejects event ids with whitespace, empty or over 200 chars", () => {
		expect(issuesOf({ ...valid, event_id: "evt 1" })[0]?.field).toBe("event_id");
		expect(issuesOf({ ...valid, event_id: "" })[0]?.field).toBe("event_id");
		expect(issuesOf({ ...valid, event_id: "x".repeat(201) })[0]?.field).toBe("event_id");
		expect(issuesOf({ ...valid, event_id: "x".repeat(200) })).toEqual([]);
	});

	it("rejects timestamps without a zone or not ISO 8601", () => {
		expect(issuesOf({ ...valid, timestamp: "2026-11-27T10:00:00" })[0]?.field).toBe("timestamp");
		expect(issuesOf({ ...valid, timestamp: "yesterday" })[0]?.field).toBe("timestamp");
		expect(issuesOf({ ...valid, timestamp: 1764237600 })[0]?.field).toBe("timestamp");
	});

	it("rejects a metadata that is not an object and a non-string user_id", () => {
		const fields = issuesOf({ ...valid, metadata: [1, 2], user_id: 7 })
			.map((i) => i.field)
			.sort();
		expect(fields).toEqual(["metadata", "user_id"]);
	});

	it("rejects a body that is not an object", () => {
		expect(issuesOf([valid])[0]?.field).toBe("(root)");
	});
});

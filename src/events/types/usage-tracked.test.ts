import { describe, expect, it } from "vitest";
import { PermanentError } from "../contract";
import { UNNAMED_FEATURE, usageTracked } from "./usage-tracked";

const at = Date.parse("2026-11-27T10:00:00Z");
const event = (metadata: Record<string, unknown>) => ({
	event_id: "evt_u1",
	event_type: "usage_tracked",
	timestamp: "2026-11-27T10:00:00Z",
	user_id: "user_1",
	metadata,
});

describe("usage_tracked handler", () => {
	it("derives one usage record keyed by the event id", () => {
		expect(usageTracked.derive(event({ feature: "api_calls", quantity: 12.5 }), at)).toEqual({
			usage_records: [{ event_id: "evt_u1", user_id: "user_1", feature: "api_calls", quantity: 12.5, occurred_at: at }],
		});
	});

	it("defaults quantity to 1", () => {
		expect(usageTracked.derive(event({ feature: "exports" }), at).usage_records?.[0]?.quantity).toBe(1);
	});

	it("counts an event with no metadata as one unit of the unnamed feature", () => {
		const { metadata: _none, ...bare } = event({});
		expect(usageTracked.derive(bare, at)).toEqual({
			usage_records: [{ event_id: "evt_u1", user_id: "user_1", feature: UNNAMED_FEATURE, quantity: 1, occurred_at: at }],
		});
		expect(UNNAMED_FEATURE).toBe("unnamed");
	});

	it("files usage without a feature under the unnamed feature, keeping its quantity", () => {
		expect(usageTracked.derive(event({}), at).usage_records?.[0]).toMatchObject({ feature: "unnamed", quantity: 1 });
		expect(usageTracked.derive(event({ quantity: 7 }), at).usage_records?.[0]).toMatchObject({ feature: "unnamed", quantity: 7 });
	});

	it("fails permanently with an empty feature or a negative or non-numeric quantity", () => {
		expect(() => usageTracked.derive(event({ feature: "" }), at)).toThrow(PermanentError);
		expect(() => usageTracked.derive(event({ feature: "x", quantity: -2 }), at)).toThrow(/metadata\.quantity/);
		expect(() => usageTracked.derive(event({ feature: "x", quantity: "5" }), at)).toThrow(/metadata\.quantity/);
	});
});

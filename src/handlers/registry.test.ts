import { describe, expect, it } from "vitest";
import { handlerFor, registry } from "./registry";

describe("handler registry", () => {
	it("maps each supported event type to its handler", () => {
		expect([...registry.keys()].sort()).toEqual(["subscription_created", "usage_tracked", "user_signup"]);
		for (const [type, handler] of registry) expect(handler.type).toBe(type);
	});

	it("has no handler for unknown types", () => {
		expect(handlerFor("invoice_paid")).toBeUndefined();
	});
});

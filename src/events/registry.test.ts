import { describe, expect, it } from "vitest";
import { derivedTables, eventTypeFor, registry } from "./registry";

describe("event type registry", () => {
	it("maps each supported event type to its handler", () => {
		expect([...registry.keys()].sort()).toEqual(["payment_failed", "subscription_created", "usage_tracked", "user_signup"]);
		for (const [type, handler] of registry) expect(handler.type).toBe(type);
	});

	it("has no handler for unknown types", () => {
		expect(eventTypeFor("invoice_paid")).toBeUndefined();
	});

	it("lists every table the types write once, whoever declares it", () => {
		expect(derivedTables().map((t) => t.table)).toEqual([
			"users",
			"subscriptions",
			"subscription_changes",
			"usage_records",
			"payment_failures",
		]);
	});

	it("refuses two different specs for one table", () => {
		const [first] = registry.values();
		const clash = { ...first!, type: "clash", tables: { users: { ...first!.tables.users!, columns: [] } } };
		expect(() => derivedTables([first!, clash])).toThrow(/users/);
	});
});

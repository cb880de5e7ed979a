import { describe, expect, it } from "vitest";
import type { EventType } from "../events/contract";
import { describeEventType } from "../events/docs";
import { eventTypeFor, registry } from "../events/registry";
import { paymentFailed } from "../events/types/payment-failed";
import { userSignup } from "../events/types/user-signup";
import { mapEvent, readPath } from "./mapping";
import { type MappingRule, type MappingTable, mappingOverridesSchema, mappingRuleSchema, mergeMappings } from "./mapping-rules";
import { currencyExponent, minorToMajor } from "./mapping-transforms";

const RECEIVED = Date.UTC(2026, 0, 2, 3, 4, 5);
const identity = (type: string, occurredAt?: number) => ({
	id: "evt_1",
	type,
	...(occurredAt !== undefined ? { occurredAt } : {}),
});

// Maps a payload delivered as provider type `type`, received at RECEIVED.
const mapAs = (type: string, payload: unknown, table: MappingTable) =>
	mapEvent({ identity: identity(type), payload, receivedAtMs: RECEIVED }, table);

const usageTable: MappingTable = {
	"meter.reported": {
		type: "usage_tracked",
		fields: {
			user_id: "account.id",
			"metadata.feature": { path: "meter.name", transform: "lowercase" },
			"metadata.quantity": "meter.value",
			"metadata.reported_at": { path: "meter.at", transform: "unixSecondsToIso" },
		},
	},
};

describe("readPath", () => {
	const doc = { a: { b: [{ c: 1 }, { c: null }] }, n: 0, s: "" };

	it("follows dotted keys and numeric array indexes", () => {
		expect(readPath(doc, "a.b.0.c")).toBe(1);
		expect(readPath(doc, "n")).toBe(0);
	});

	it("treats null, absent keys, out-of-range indexes and non-numeric indexes as missing", () => {
		expect(readPath(doc, "a.b.1.c")).toBeUndefined();
		expect(readPath(doc, "a.x")).toBeUndefined();
		expect(readPath(doc, "a.b.5.c")).toBeUndefined();
		expect(readPath(doc, "a.b.first")).toBeUndefined();
		expect(readPath(doc, "n.deeper")).toBeUndefined();
	});

	it("never walks into inherited properties", () => {
		expect(readPath(doc, "constructor")).toBeUndefined();
		expect(readPath(doc, "a.__proto__")).toBeUndefined();
		expect(readPath(doc, "a.b.length")).toBeUndefined();
	});
});

describe("minorToMajor", () => {
	it("divides by 100 for two-decimal currencies, without float noise", () => {
		expect(minorToMajor(4900, "usd")).toBe(49);
		expect(minorToMajor(1999, "EUR")).toBe(19.99);
		expect(minorToMajor(1, "gbp")).toBe(0.01);
		expect(minorToMajor(4900, undefined)).toBe(49);
	});

	it("leaves zero-decimal currencies alone and uses three decimals where due", () => {
		expect(currencyExponent("JPY")).toBe(0);
		expect(currencyExponent("krw")).toBe(0);
		expect(minorToMajor(4900, "jpy")).toBe(4900);
		expect(minorToMajor(12_345, "BHD")).toBe(12.345);
	});
});

describe("mapEvent", () => {
	it("builds the canonical envelope from paths and transforms", () => {
		const payload = { account: { id: "acct_9" }, meter: { name: "API_Calls", value: 12, at: 1_767_225_600 } };
		expect(mapEvent({ identity: identity("meter.reported", Date.UTC(2026, 0, 1)), payload, receivedAtMs: RECEIVED }, usageTable)).toEqual({
			kind: "mapped",
			event: {
				event_id: "evt_1",
				event_type: "usage_tracked",
				timestamp: "2026-01-01T00:00:00.000Z",
				user_id: "acct_9",
				metadata: { feature: "api_calls", quantity: 12, reported_at: "2026-01-01T00:00:00.000Z" },
			},
		});
	});

	it("uses the receive time when the provider gives no occurrence time", () => {
		const payload = { account: { id: "a" }, meter: { name: "x", value: 1, at: 0 } };
		const result = mapAs("meter.reported", payload, usageTable);
		expect(result).toMatchObject({ kind: "mapped", event: { timestamp: "2026-01-02T03:04:05.000Z" } });
	});

	it("returns unhandled for a provider type with no rule, including inherited names", () => {
		expect(mapAs("other", {}, usageTable)).toEqual({
			kind: "unhandled",
			providerType: "other",
		});
		expect(mapAs("toString", {}, usageTable)).toMatchObject({
			kind: "unhandled",
		});
	});

	it("fails naming the field and path when a required path is missing", () => {
		const payload = { account: { id: "a" }, meter: { value: 1, at: 0 } };
		expect(mapAs("meter.reported", payload, usageTable)).toEqual({
			kind: "failed",
			code: "mapping_path_missing",
			providerType: "meter.reported",
			field: "metadata.feature",
			path: "meter.name",
			message: "meter.reported → usage_tracked: metadata.feature has no value at meter.name",
		});
	});

	it("fails naming the field when a transform refuses the value", () => {
		const payload = { account: { id: "a" }, meter: { name: 42, value: 1, at: 0 } };
		expect(mapAs("meter.reported", payload, usageTable)).toMatchObject({
			kind: "failed",
			code: "mapping_transform_failed",
			field: "metadata.feature",
			path: "meter.name",
		});
	});

	it("fails when the output breaks the canonical contract (negative quantity)", () => {
		const payload = { account: { id: "a" }, meter: { name: "x", value: -3, at: 0 } };
		expect(mapAs("meter.reported", payload, usageTable)).toMatchObject({
			kind: "failed",
			code: "mapping_invalid_output",
			field: "metadata.quantity",
		});
	});

	it("leaves out optional fields that are missing, and uses constants", () => {
		const table: MappingTable = {
			signup: {
				type: "user_signup",
				fields: {
					user_id: { path: "user", transform: "string" },
					"metadata.email": { path: "email", optional: true },
					"metadata.source": { const: "acme" },
				},
			},
		};
		expect(mapAs("signup", { user: 42 }, table)).toEqual({
			kind: "mapped",
			event: {
				event_id: "evt_1",
				event_type: "user_signup",
				timestamp: "2026-01-02T03:04:05.000Z",
				user_id: "42",
				metadata: { source: "acme" },
			},
		});
	});

	it("reads minorToMajor's currency from an explicit path", () => {
		const table: MappingTable = {
			failed: {
				type: "payment_failed",
				fields: {
					"metadata.invoice_id": "invoice",
					"metadata.currency": { const: "JPY" },
					"metadata.amount": { path: "cents", transform: "minorToMajor", currency: "billing.currency" },
				},
			},
		};
		const payload = { invoice: "in_1", cents: 1234, billing: { currency: "usd" } };
		expect(mapAs("failed", payload, table)).toMatchObject({
			kind: "mapped",
			event: { metadata: { amount: 12.34, currency: "JPY" } },
		});
	});

	it("maps a payment_failed with neither invoice_id nor subscription_id, which its handler stores", () => {
		const table: MappingTable = {
			failed: {
				type: "payment_failed",
				fields: {
					"metadata.invoice_id": { path: "invoice", optional: true },
					"metadata.currency": "currency",
					"metadata.amount": { path: "cents", transform: "minorToMajor" },
				},
			},
		};
		const result = mapAs("failed", { currency: "eur", cents: 100 }, table);
		expect(result).toMatchObject({ kind: "mapped", event: { metadata: { amount: 1, currency: "EUR" } } });
		if (result.kind !== "mapped") return;
		expect(paymentFailed.derive(result.event, RECEIVED).payment_failures).toMatchObject([{ invoice_id: null, subscription_id: null }]);
	});

	it("fails at the mapping on an email the user_signup handler would refuse", () => {
		const table: MappingTable = { signup: { type: "user_signup", fields: { user_id: "id", "metadata.email": "email" } } };
		// Passes a loose a@b.c test, but is no email address to z.email().
		const map = (email: string) => mapAs("signup", { id: "u1", email }, table);
		const signup = (email: string) => ({ event_id: "e", event_type: "user_signup", timestamp: "", user_id: "u1", metadata: { email } });
		// Passes a loose a@b.c test, but is no email address to z.email().
		expect(map("ada@example..com")).toMatchObject({ kind: "failed", code: "mapping_invalid_output", field: "metadata.email" });
		expect(() => userSignup.derive(signup("ada@example..com"), 0)).toThrow(/metadata\.email/);
		const ok = map("ada@example.com");
		expect(ok).toMatchObject({ kind: "mapped", event: { metadata: { email: "ada@example.com" } } });
		if (ok.kind === "mapped") expect(userSignup.derive(ok.event, 0).users).toHaveLength(1);
	});

	// A subscription_created rule reading plan, amount, currency and interval
	// from the payload's top level, plus `fields`.
	const subscriptionTable = (fields: MappingRule["fields"]): MappingTable => ({
		sub: {
			type: "subscription_created",
			fields: {
				"metadata.plan": "plan",
				"metadata.amount": "amount",
				"metadata.currency": "currency",
				"metadata.interval": "interval",
				...fields,
			},
		},
	});

	it("normalises as the handler does, and stringifies integer ids", () => {
		const table = subscriptionTable({ user_id: "customer", "metadata.subscription_id": "id", "metadata.seats": "seats" });
		const payload = { customer: 42, id: 7, plan: "pro", amount: 10, currency: "usd", interval: "Annually", seats: 3 };
		expect(mapAs("sub", payload, table)).toMatchObject({
			kind: "mapped",
			event: { user_id: "42", metadata: { subscription_id: "7", currency: "USD", interval: "year", seats: 3 } },
		});
		expect(mapAs("sub", { ...payload, customer: 2 ** 60 }, table)).toMatchObject({ kind: "failed", field: "user_id" });
		expect(mapAs("sub", { ...payload, interval: "daily" }, table)).toMatchObject({ kind: "failed", field: "metadata.interval" });
	});

	it("fails where the subscription_created handler's cross-field rule would", () => {
		const table = subscriptionTable({ user_id: { path: "customer", optional: true } });
		expect(mapAs("sub", { plan: "pro", amount: 10, currency: "usd", interval: "month" }, table)).toMatchObject({
			kind: "failed",
			code: "mapping_invalid_output",
			message: expect.stringContaining("needs user_id or metadata.subscription_id"),
		});
	});

	it("refuses an event id the envelope would reject", () => {
		const payload = { account: { id: "a" }, meter: { name: "x", value: 1, at: 0 } };
		const spaced = { id: "evt 1", type: "meter.reported" };
		expect(mapEvent({ identity: spaced, payload, receivedAtMs: RECEIVED }, usageTable)).toMatchObject({
			kind: "failed",
			field: "event_id",
		});
	});
});

describe("mapping rule schema", () => {
	it("accepts the documented forms of a field rule", () => {
		const rule = {
			type: "subscription_created",
			fields: {
				user_id: "data.customer",
				"metadata.plan": ["data.price.lookup_key", "data.price.id"],
				"metadata.amount": { path: "data.price.unit_amount", transform: "minorToMajor" },
				"metadata.currency": { path: "data.price.currency", transform: "uppercase" },
				"metadata.interval": "data.price.recurring.interval",
				"metadata.status": { const: "active" },
			},
		};
		expect(mappingRuleSchema.safeParse(rule).success).toBe(true);
	});

	it("rejects a rule missing a field its canonical type requires, an unknown target or transform", () => {
		const missingAmount = { type: "payment_failed", fields: { "metadata.currency": "c", "metadata.invoice_id": "i" } };
		const result = mappingRuleSchema.safeParse(missingAmount);
		expect(result.success).toBe(false);
		expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["fields.metadata.amount"]);
		expect(mappingRuleSchema.safeParse({ type: "user_signup", fields: { user_id: "u", email: "e" } }).success).toBe(false);
		expect(mappingRuleSchema.safeParse({ type: "user_signup", fields: { user_id: { path: "u", transform: "reverse" } } }).success).toBe(
			false,
		);
		expect(mappingRuleSchema.safeParse({ type: "order_placed", fields: {} }).success).toBe(false);
	});
});

// The mapping has no list of its own: a rule targets a registered type and
// fills what that type's schema requires. Fails when a type is registered
// without being a mapping target, or a rule may target an unregistered type.
describe("mapping targets are the registry's event types", () => {
	const requiredOf = (type: EventType) =>
		describeEventType(type)
			.fields.filter((f) => f.required)
			.map((f) => f.path);

	it("accepts, for every registered type, a rule filling the fields its schema requires, and names each one left out", () => {
		expect(registry.size).toBeGreaterThan(0);
		for (const type of registry.values()) {
			const fields: Record<string, string> = Object.fromEntries(requiredOf(type).map((target) => [target, "some.path"]));
			expect(mappingRuleSchema.safeParse({ type: type.type, fields }).success, type.type).toBe(true);
			for (const target of Object.keys(fields)) {
				const { [target]: _, ...rest } = fields;
				const result = mappingRuleSchema.safeParse({ type: type.type, fields: rest });
				expect(
					result.error?.issues.map((i) => i.path.join(".")),
					`${type.type} without ${target}`,
				).toEqual([`fields.${target}`]);
			}
		}
	});

	it("requires what the handlers require: amount and currency of a payment_failed, a user_id of a signup, nothing of usage", () => {
		expect(requiredOf(registry.get("payment_failed")!)).toEqual(["metadata.amount", "metadata.currency"]);
		expect(requiredOf(registry.get("user_signup")!)).toEqual(["user_id"]);
		expect(requiredOf(registry.get("usage_tracked")!)).toEqual([]);
	});

	it("refuses a rule for a type the registry does not have", () => {
		expect(eventTypeFor("order_placed")).toBeUndefined();
		const result = mappingRuleSchema.safeParse({ type: "order_placed", fields: { user_id: "id" } });
		expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["type"]);
	});
});

describe("mergeMappings", () => {
	it("adds and replaces rules per provider type, and null removes a default", () => {
		const defaults: MappingTable = {
			a: { type: "user_signup", fields: { user_id: "id" } },
			b: { type: "user_signup", fields: { user_id: "id" } },
		};
		const overrides = mappingOverridesSchema.parse({
			a: { type: "user_signup", fields: { user_id: "account" } },
			b: null,
			c: { type: "usage_tracked", fields: { "metadata.feature": "f" } },
		});
		const merged = mergeMappings(defaults, overrides);
		expect(Object.keys(merged).sort()).toEqual(["a", "c"]);
		expect(merged.a?.fields.user_id).toBe("account");
		expect(defaults.b).toBeDefined();
		expect(mergeMappings(defaults, undefined)).toBe(defaults);
	});
});

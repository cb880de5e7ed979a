import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matches, wildcardMatch } from "./filter";

// Reference: the same semantics through a regular expression.
const viaRegex = (pattern: string, value: string) =>
	new RegExp(
		`^${pattern
			.split("*")
			.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
			.join(".*")}$`,
		"s",
	).test(value);

// Small alphabets so patterns and values actually overlap.
const valueArb = fc.string({ unit: fc.constantFrom("a", "b", "_", "."), maxLength: 12 });
const patternArb = fc.string({ unit: fc.constantFrom("a", "b", "_", ".", "*"), maxLength: 8 });

describe("wildcardMatch", () => {
	it("matches canonical types against exact, prefix, suffix and catch-all patterns", () => {
		expect(wildcardMatch("user_signup", "user_signup")).toBe(true);
		expect(wildcardMatch("user_signup", "user_signups")).toBe(false);
		expect(wildcardMatch("subscription_*", "subscription_created")).toBe(true);
		expect(wildcardMatch("subscription_*", "subscription_")).toBe(true);
		expect(wildcardMatch("subscription_*", "user_signup")).toBe(false);
		expect(wildcardMatch("*_created", "subscription_created")).toBe(true);
		expect(wildcardMatch("*", "anything.at:all")).toBe(true);
		expect(wildcardMatch("*", "")).toBe(true);
		expect(wildcardMatch("a*b*c", "a__b__b__c")).toBe(true);
		expect(wildcardMatch("a*b*c", "a__c__b")).toBe(false);
	});

	it("is case-sensitive and treats regex characters literally", () => {
		expect(wildcardMatch("User_signup", "user_signup")).toBe(false);
		expect(wildcardMatch("a.b", "axb")).toBe(false);
		expect(wildcardMatch("a.b", "a.b")).toBe(true);
	});

	it("agrees with a regular-expression reference on any pattern and value", () => {
		fc.assert(
			fc.property(patternArb, valueArb, (pattern, value) => {
				expect(wildcardMatch(pattern, value)).toBe(viaRegex(pattern, value));
			}),
			{ numRuns: 2000 },
		);
	});

	it("a pattern without * matches only itself; prefix* matches exactly the values with that prefix", () => {
		fc.assert(
			fc.property(valueArb, valueArb, (a, b) => {
				expect(wildcardMatch(a, b)).toBe(a === b);
				expect(wildcardMatch(`${a}*`, b)).toBe(b.startsWith(a));
				expect(wildcardMatch(`*${a}`, b)).toBe(b.endsWith(a));
				expect(wildcardMatch("*", b)).toBe(true);
			}),
		);
	});

	it("answers adversarial patterns without exponential backtracking", () => {
		// A backtracking regex needs ~5000^50 steps here; this is ~5000 × 101.
		// Broken, the test never finishes and hits the test timeout.
		expect(wildcardMatch(`${"*a".repeat(50)}b`, "a".repeat(5000))).toBe(false);
		expect(wildcardMatch(`${"*a".repeat(50)}`, "a".repeat(5000))).toBe(true);
	});
});

describe("matches", () => {
	const destination = { event_types: ["user_signup", "subscription_*"], sources: ["stripe", "app-*"] };

	it("needs both the event type and the source to match", () => {
		expect(matches(destination, { event_type: "user_signup", source: "stripe" })).toBe(true);
		expect(matches(destination, { event_type: "subscription_created", source: "app-eu" })).toBe(true);
		expect(matches(destination, { event_type: "usage_tracked", source: "stripe" })).toBe(false);
		expect(matches(destination, { event_type: "user_signup", source: "direct" })).toBe(false);
	});

	it("accepts every source when no source filter is set", () => {
		expect(matches({ event_types: ["*"] }, { event_type: "x", source: "direct" })).toBe(true);
		expect(matches({ event_types: ["user_*"], sources: ["*"] }, { event_type: "user_signup", source: "any" })).toBe(true);
	});

	it("matches a provider event by its canonical type or by the provider's own type", () => {
		const stripeSignup = { event_type: "user_signup", provider_type: "customer.created", source: "stripe" };
		expect(matches({ event_types: ["user_signup"] }, stripeSignup)).toBe(true);
		expect(matches({ event_types: ["customer.*"] }, stripeSignup)).toBe(true);
		expect(matches({ event_types: ["customer.created"], sources: ["stripe"] }, stripeSignup)).toBe(true);
		// Near misses: a prefix of the provider type, or its type under another source.
		expect(matches({ event_types: ["customer"] }, stripeSignup)).toBe(false);
		expect(matches({ event_types: ["customer.*"], sources: ["github"] }, stripeSignup)).toBe(false);
		// A direct event has no provider type to match.
		expect(matches({ event_types: ["customer.*"] }, { event_type: "user_signup", provider_type: null, source: "direct" })).toBe(false);
	});

	it("matches nothing with empty lists", () => {
		expect(matches({ event_types: [] }, { event_type: "x", source: "y" })).toBe(false);
		expect(matches({ event_types: ["*"], sources: [] }, { event_type: "x", source: "y" })).toBe(false);
	});
});

import { describe, expect, it } from "vitest";
import { DEFAULT_URL, DEV_ADMIN_TOKEN, DEV_SECRET, parseDuration, parseOptions, parseRate } from "./options";

describe("rate and duration", () => {
	it("reads rates per second or per minute", () => {
		expect(parseRate("50")).toBe(50);
		expect(parseRate("50/s")).toBe(50);
		expect(parseRate("500/min")).toBeCloseTo(8.333, 3);
		expect(() => parseRate("fast")).toThrow(/invalid rate/);
	});

	it("reads durations in ms, seconds (default) and minutes", () => {
		expect(parseDuration("30")).toBe(30_000);
		expect(parseDuration("1500ms")).toBe(1_500);
		expect(parseDuration("5m")).toBe(300_000);
		expect(() => parseDuration("-1s")).toThrow(/invalid duration/);
	});
});

describe("options", () => {
	it("defaults to the local dev server and the dev secret", () => {
		const o = parseOptions(["basic"]);
		expect(o).toMatchObject({
			scenario: "basic",
			url: DEFAULT_URL,
			secret: DEV_SECRET,
			adminToken: DEV_ADMIN_TOKEN,
			json: false,
			reconcile: true,
		});
	});

	it("parses a providers run with its own .dev.vars", () => {
		expect(parseOptions(["providers", "--dev-vars", "/tmp/prod.vars"])).toMatchObject({ scenario: "providers", devVars: "/tmp/prod.vars" });
		expect(parseOptions(["providers"]).devVars).toBeUndefined();
	});

	it("parses a load run", () => {
		const o = parseOptions(["load", "--rate", "500/min", "--duration", "5m", "--duplicates", "0.1", "--json", "--no-reconcile"]);
		expect(o.rate).toBeCloseTo(8.333, 3);
		expect(o).toMatchObject({ duration: 300_000, duplicates: 0.1, json: true, reconcile: false });
	});

	it("rejects unknown scenarios, flags and out-of-range values", () => {
		expect(() => parseOptions(["stampede"])).toThrow(/scenario/);
		expect(() => parseOptions(["load", "--bogus"])).toThrow();
		expect(() => parseOptions(["load", "--duplicates", "2"])).toThrow(/duplicates/);
		expect(() => parseOptions(["load", "--rate", "0"])).toThrow(/rate/);
	});

	it("only allows --chaos on a stack it starts itself", () => {
		expect(() => parseOptions(["load", "--chaos", "0.2"])).toThrow(/local-stack/);
		expect(parseOptions(["load", "--chaos", "0.2", "--local-stack"]).chaos).toBe(0.2);
	});
});

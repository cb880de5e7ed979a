import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto";
import { mappingRuleSchema } from "../mapping";
import { getPreset, PRESET_KINDS, PRESETS, parseJsonBody } from "./index";

describe("preset registry", () => {
	it("registers every preset under its own kind", () => {
		expect(PRESET_KINDS).toEqual(["stripe", "github", "shopify", "slack", "standard"]);
		for (const kind of PRESET_KINDS) expect(PRESETS[kind].kind).toBe(kind);
	});

	it("gives a tolerance exactly to the schemes that sign a timestamp", () => {
		expect(Object.fromEntries(PRESET_KINDS.map((k) => [k, PRESETS[k].defaultToleranceSeconds]))).toEqual({
			stripe: 300,
			github: null,
			shopify: null,
			slack: 300,
			standard: 300,
		});
	});

	it("ships only valid default mapping rules", () => {
		for (const kind of PRESET_KINDS) {
			for (const [type, rule] of Object.entries(PRESETS[kind].mappings)) {
				expect(mappingRuleSchema.safeParse(rule).success, `${kind} ${type}`).toBe(true);
			}
		}
	});

	it("returns undefined for an unknown or inherited kind", () => {
		expect(getPreset("paypal")).toBeUndefined();
		expect(getPreset("constructor")).toBeUndefined();
		expect(getPreset("stripe")?.kind).toBe("stripe");
	});
});

describe("parseJsonBody", () => {
	it("parses UTF-8 JSON, with or without a byte-order mark", () => {
		expect(parseJsonBody(utf8('{"a":"é"}'))).toEqual({ a: "é" });
		expect(parseJsonBody(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"a":1}')]))).toEqual({ a: 1 });
	});

	it("returns undefined for a body that is not JSON", () => {
		expect(parseJsonBody(utf8("token=x&team_id=T1"))).toBeUndefined();
		expect(parseJsonBody(new Uint8Array())).toBeUndefined();
	});
});

import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";

describe("canonical JSON", () => {
	it("ignores key order and whitespace, at every depth", () => {
		const a = JSON.parse('{"b":1,"a":{"y":[1,{"q":2,"p":1}],"x":null}}');
		const b = JSON.parse('{ "a": {"x": null, "y": [1, {"p": 1, "q": 2}]}, "b": 1 }');
		expect(canonicalJson(a)).toBe(canonicalJson(b));
		expect(canonicalJson(a)).toBe('{"a":{"x":null,"y":[1,{"p":1,"q":2}]},"b":1}');
	});

	it("keeps values distinct", () => {
		expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: "1" }));
		expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
	});
});

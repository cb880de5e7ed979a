import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";

// The oracle: a verbatim copy of the recursive canonicalJson this module
// replaced. Idempotency hashes are made from its output, so the iterative
// version must match it byte for byte.
function recursiveCanonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(recursiveCanonicalJson).join(",")}]`;
	if (value !== null && typeof value === "object") {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${recursiveCanonicalJson(v)}`).join(",")}}`;
	}
	return JSON.stringify(value);
}

function outcome(f: () => unknown): { value: unknown } | { threw: string } {
	try {
		return { value: f() };
	} catch (err) {
		return { threw: (err as Error).name };
	}
}

const SPECIAL_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"];

describe("canonicalJson (iterative)", () => {
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

	it("matches the recursive version on any JSON value (property)", () => {
		fc.assert(
			fc.property(fc.jsonValue({ stringUnit: "binary" }), (value) => {
				expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
			}),
			{ numRuns: 1000 },
		);
	});

	it("matches the recursive version on values parsed from JSON text with special keys (property)", () => {
		const key = fc.oneof(fc.constantFrom(...SPECIAL_KEYS), fc.string({ maxLength: 4 }));
		// A tree of JSON text fragments; objects are written as text so that
		// "__proto__" becomes an own key, as in a parsed request body.
		const { tree } = fc.letrec<{ tree: string; array: string; object: string }>((tie) => ({
			tree: fc.oneof(
				{ depthSize: "small" },
				fc.jsonValue({ maxDepth: 0 }).map((v) => JSON.stringify(v)),
				tie("array"),
				tie("object"),
			),
			array: fc.array(tie("tree"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
			object: fc
				.array(fc.tuple(key, tie("tree")), { maxLength: 5 })
				.map((members) => `{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
		}));
		fc.assert(
			fc.property(tree, (text) => {
				const value = JSON.parse(text);
				expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
			}),
			{ numRuns: 1000 },
		);
	});

	it("matches the recursive version on non-JSON values too: undefined, sparse arrays, Maps, Dates, null prototypes (property)", () => {
		const anything = fc.anything({
			maxDepth: 4,
			withNullPrototype: true,
			withSparseArray: true,
			withMap: true,
			withSet: true,
			withDate: true,
			withBoxedValues: true,
			withTypedArray: true,
			withObjectString: true,
			withBigInt: true,
		});
		fc.assert(
			fc.property(anything, (value) => {
				expect(outcome(() => canonicalJson(value))).toEqual(outcome(() => recursiveCanonicalJson(value)));
			}),
			{ numRuns: 1000 },
		);
	});

	it("keeps the recursive version's output for undefined, functions and symbols", () => {
		const odd = { a: undefined, b: () => 1, c: [undefined, () => 1, Symbol("s"), 1], d: Symbol("t") };
		expect(canonicalJson(odd)).toBe(recursiveCanonicalJson(odd));
		expect(canonicalJson(odd)).toBe('{"b":undefined,"c":[,,,1],"d":undefined}');
		expect(canonicalJson(undefined)).toBeUndefined();
	});

	it("sorts keys by UTF-16 code units at every depth and drops whitespace", () => {
		expect(canonicalJson(JSON.parse('{ "b": 1, "a": { "z": [ 3, { "y": 1, "x": 2 } ], "é": 0, "Z": 0 } }'))).toBe(
			'{"a":{"Z":0,"z":[3,{"x":2,"y":1}],"é":0},"b":1}',
		);
		expect(canonicalJson({ "\u{1F600}": 1, "\uFFFF": 2 })).toBe('{"\u{1F600}":1,"\uFFFF":2}');
	});

	it("keeps an own __proto__ key from JSON.parse, and constructor/toString keys, as data", () => {
		const parsed = JSON.parse('{"constructor":{"prototype":1},"__proto__":{"polluted":true},"toString":"x","a":1}');
		expect(Object.keys(parsed)).toContain("__proto__");
		expect(canonicalJson(parsed)).toBe('{"__proto__":{"polluted":true},"a":1,"constructor":{"prototype":1},"toString":"x"}');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it("hashes the same content the same whatever the key order or formatting", () => {
		const a = JSON.parse('{"__proto__":[1,2],"x":{"b":true,"a":null}}');
		const b = JSON.parse('{ "x" : { "a" : null , "b" : true } , "__proto__" : [ 1 , 2 ] }');
		expect(canonicalJson(a)).toBe(canonicalJson(b));
	});

	it("writes 100,000-deep arrays and objects without overflowing the stack", () => {
		let arrays: unknown = 0;
		let objects: unknown = 0;
		for (let i = 0; i < 100_000; i++) {
			arrays = [arrays];
			objects = { k: objects };
		}
		expect(canonicalJson(arrays)).toBe(`${"[".repeat(100_000)}0${"]".repeat(100_000)}`);
		expect(canonicalJson(objects)).toBe(`${'{"k":'.repeat(100_000)}0${"}".repeat(100_000)}`);
	});
});

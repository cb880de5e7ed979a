import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_JSON_DEPTH, guardJson, isSafeNumberLiteral, type JsonGuardResult } from "./json-guard";

// Test-side helpers (recursion is fine here: generated values are shallow).
function depthOf(value: unknown): number {
	if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
	if (value !== null && typeof value === "object") return 1 + Math.max(0, ...Object.values(value).map(depthOf));
	return 0;
}

// Independent oracle for number safety: exact rational arithmetic with BigInt.
// literal and String(Number(literal)) are compared as fractions num/den.
function rationalOf(literal: string): { num: bigint; den: bigint } {
	const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
	if (!m) throw new Error(`not a number literal: ${literal}`);
	const [, sign, int = "", frac = "", exp = "0"] = m;
	const scale = BigInt(exp) - BigInt(frac.length);
	let num = BigInt(int + frac) * (sign === "-" ? -1n : 1n);
	let den = 1n;
	if (scale >= 0n) num *= 10n ** scale;
	else den = 10n ** -scale;
	return { num, den };
}

function oracleSafe(literal: string): boolean {
	const n = Number(literal);
	if (!Number.isFinite(n)) return false;
	const a = rationalOf(literal);
	const b = rationalOf(String(n));
	return a.num * b.den === b.num * a.den;
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: min, maxLength: max });

// JSON number literals of every shape: long mantissas, leading/trailing
// zeros, exponents with signs and leading zeros, far outside the double range.
const numberLiteral = fc
	.tuple(
		fc.constantFrom("", "-"),
		fc.oneof(
			fc.constant("0"),
			fc.tuple(fc.constantFrom(..."123456789"), digits(0, 25)).map(([a, b]) => a + b),
		),
		fc.option(digits(1, 25), { nil: undefined }),
		fc.option(
			fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), fc.constantFrom("", "0", "00"), fc.integer({ min: 0, max: 420 })),
			{ nil: undefined },
		),
	)
	.map(([sign, int, frac, exp]) => `${sign}${int}${frac === undefined ? "" : `.${frac}`}${exp ? exp[0] + exp[1] + exp[2] + exp[3] : ""}`);

function expectTooDeep(result: JsonGuardResult, limit: number) {
	expect(result).toMatchObject({ ok: false, code: "json_too_deep", limit });
}

describe("guardJson: nesting depth", () => {
	it("accepts exactly the default limit of 64 levels and refuses 65, naming the limit", () => {
		expect(DEFAULT_MAX_JSON_DEPTH).toBe(64);
		expect(guardJson(`${"[".repeat(64)}${"]".repeat(64)}`)).toEqual({ ok: true });
		const refused = guardJson(`${"[".repeat(65)}${"]".repeat(65)}`);
		expectTooDeep(refused, 64);
		expect(refused).toMatchObject({ offset: 64 });
		expect(!refused.ok && refused.message).toContain("64");
	});

	it("counts objects and arrays alike", () => {
		const text = `${'{"a":['.repeat(3)}1${"]}".repeat(3)}`; // depth 6
		expect(guardJson(text, { maxDepth: 6 })).toEqual({ ok: true });
		expectTooDeep(guardJson(text, { maxDepth: 5 }), 5);
	});

	it("treats a bare scalar as depth 0, so maxDepth 0 still accepts it", () => {
		expect(guardJson('"x"', { maxDepth: 0 })).toEqual({ ok: true });
		expectTooDeep(guardJson("[]", { maxDepth: 0 }), 0);
	});

	it("measures the deepest point, not the number of containers", () => {
		const wide = `[${Array.from({ length: 1000 }, () => "[[1]]").join(",")}]`; // 1000 siblings, depth 3
		expect(guardJson(wide, { maxDepth: 3 })).toEqual({ ok: true });
		expectTooDeep(guardJson(wide, { maxDepth: 2 }), 2);
	});

	it("refuses 200,000-deep arrays and objects promptly, without overflowing the stack", () => {
		for (const [open, close] of [
			["[", "]"],
			['{"k":', "}"],
		] as const) {
			const text = open.repeat(200_000) + close.repeat(200_000);
			const result = guardJson(text);
			expectTooDeep(result, 64);
			// Refused at the 65th opening, not after reading the rest: the work is
			// bounded by the limit (checked by position, not by a clock).
			expect(result).toMatchObject({ offset: open.length * 64 });
		}
	});

	it("ignores brackets inside strings", () => {
		expect(guardJson('["[[[[{{{{"]', { maxDepth: 1 })).toEqual({ ok: true });
		expect(guardJson('{"[[[[": "]]]]{{{{"}', { maxDepth: 1 })).toEqual({ ok: true });
	});

	it("keeps an escaped quote inside its string", () => {
		// The string is \"[[[[ — the brackets are still inside it.
		expect(guardJson(String.raw`["\"[[[["]`, { maxDepth: 1 })).toEqual({ ok: true });
		expect(guardJson(String.raw`["\u0022[[[["]`, { maxDepth: 1 })).toEqual({ ok: true });
	});

	it("ends a string at the quote after an escaped backslash", () => {
		// ["\\", [[1]]] has depth 3: the string is one backslash.
		const text = String.raw`["\\", [[1]]]`;
		expect(guardJson(text, { maxDepth: 3 })).toEqual({ ok: true });
		expectTooDeep(guardJson(text, { maxDepth: 2 }), 2);
		const many = String.raw`["\\\\\\\"", [[1]]]`; // \\ \\ \\ \" : still one string
		expect(JSON.parse(many)).toEqual(['\\\\\\"', [[1]]]);
		expectTooDeep(guardJson(many, { maxDepth: 2 }), 2);
	});

	it("agrees with the real depth of any JSON value, whatever the formatting (property)", () => {
		fc.assert(
			fc.property(
				fc.jsonValue({ maxDepth: 7, stringUnit: "binary" }),
				fc.integer({ min: 0, max: 8 }),
				fc.constantFrom(undefined, 1, "\t"),
				(value, limit, indent) => {
					const result = guardJson(JSON.stringify(value, null, indent), { maxDepth: limit });
					expect(result.ok).toBe(depthOf(value) <= limit);
					if (!result.ok) expect(result.code).toBe("json_too_deep");
				},
			),
			{ numRuns: 500 },
		);
	});

	it("refuses any nesting beyond the limit, whatever the containers (property)", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 80 }),
				fc.integer({ min: 1, max: 3000 }),
				fc.array(fc.constantFrom("[", '{"a":', '{"x":1,"[":'), { minLength: 1, maxLength: 5 }),
				(limit, extra, openers) => {
					const depth = limit + extra;
					const text = Array.from({ length: depth }, (_, i) => openers[i % openers.length]).join("");
					expectTooDeep(guardJson(text, { maxDepth: limit }), limit);
				},
			),
			{ numRuns: 200 },
		);
	});
});

describe("guardJson: numbers a double cannot hold", () => {
	it.each([
		"0.1",
		"1e20",
		"1.0",
		"-0",
		"1E+2",
		"0",
		"-0.0e5",
		"5e-324",
		"1.7976931348623157e308",
		"9007199254740992",
		"-9007199254740991",
		"0.30000000000000004",
		"1e-7",
		"123e-2",
		"100e-2",
	])("accepts %s: it reads back as the same decimal value", (literal) => {
		expect(isSafeNumberLiteral(literal)).toBe(true);
		expect(guardJson(`[${literal}]`)).toEqual({ ok: true });
	});

	it.each([
		["9007199254740993", "rounds to 9007199254740992"],
		["123456789012345678", "rounds to 123456789012345680"],
		["1e400", "overflows to Infinity"],
		["-1e400", "overflows to -Infinity"],
		["1e-400", "underflows to 0"],
		["2e-324", "underflows to 0"],
		["12345678901234567890.5", "loses its fraction"],
		["1.00000000000000001", "rounds to 1"],
		["0.1000000000000000055511151231257827", "is the double's exact value but reads back as 0.1"],
	])("refuses %s: it %s", (literal) => {
		expect(isSafeNumberLiteral(literal)).toBe(false);
		expect(guardJson(`{"amount":${literal}}`)).toMatchObject({ ok: false, code: "unsafe_number", literal, path: "/amount" });
	});

	it("names the number by JSON Pointer, through arrays, later members and escaped keys", () => {
		expect(guardJson('{"a":[1,{"b":9007199254740993}]}')).toMatchObject({ code: "unsafe_number", path: "/a/1/b" });
		expect(guardJson('{"x":1,"y":"1e400","z":[0,0,1e400]}')).toMatchObject({ path: "/z/2" });
		expect(guardJson(String.raw`{"a/b~c":{"\u0041\"":1e400}}`)).toMatchObject({ path: '/a~1b~0c/A"' });
		expect(guardJson("1e400")).toMatchObject({ code: "unsafe_number", path: "", offset: 0 });
	});

	it("reports where the literal starts", () => {
		const text = '{"a": [1, 2, 1e999]}';
		const result = guardJson(text);
		expect(result.ok).toBe(false);
		if (!result.ok && result.code === "unsafe_number") expect(text.slice(result.offset)).toMatch(/^1e999/);
	});

	it("cuts a long literal to 40 characters in the result and says so in the message", () => {
		const literal = `1${"2".repeat(100)}.5`;
		const result = guardJson(`[${literal}]`);
		expect(result).toMatchObject({ code: "unsafe_number", literal: `${literal.slice(0, 40)}…` });
		if (!result.ok) expect(result.message).toContain(literal.slice(0, 40));
	});

	it("ignores digits inside strings", () => {
		expect(guardJson('["9007199254740993", "1e400", "\\"1e400"]')).toEqual({ ok: true });
	});

	it("can be told not to check numbers", () => {
		expect(guardJson("[1e400]", { rejectUnsafeNumbers: false })).toEqual({ ok: true });
	});

	it("leaves literals that are not JSON numbers to JSON.parse", () => {
		for (const text of ["[01]", "[1.]", "[-]", "[1e]", "[1-2]", "[.5]", "[+1]"]) {
			expect(guardJson(text)).toEqual({ ok: true });
			expect(() => JSON.parse(text)).toThrow();
		}
	});

	it("judges every number literal exactly as exact rational arithmetic does (property)", () => {
		fc.assert(
			fc.property(numberLiteral, (literal) => {
				expect(isSafeNumberLiteral(literal)).toBe(oracleSafe(literal));
				expect(guardJson(`{"n":[${literal}]}`).ok).toBe(oracleSafe(literal));
			}),
			{ numRuns: 2000 },
		);
	});

	it("accepts every double as JavaScript writes it (property)", () => {
		fc.assert(
			fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
				expect(guardJson(JSON.stringify({ d }))).toEqual({ ok: true });
			}),
			{ numRuns: 1000 },
		);
	});
});

describe("guardJson: whole documents", () => {
	it("accepts anything JSON.stringify writes for a JSON value within the limit (property)", () => {
		fc.assert(
			fc.property(
				fc.jsonValue({ maxDepth: DEFAULT_MAX_JSON_DEPTH, stringUnit: "binary" }),
				fc.constantFrom(undefined, 2),
				(value, indent) => {
					expect(guardJson(JSON.stringify(value, null, indent))).toEqual({ ok: true });
				},
			),
			{ numRuns: 500 },
		);
	});

	it("accepts strings made of quotes, backslashes, brackets and digits (property)", () => {
		const tricky = fc.string({ unit: fc.constantFrom('"', "\\", "[", "]", "{", "}", "9", "e", "-", "u", "0", "a", "\u2028") });
		fc.assert(
			fc.property(fc.array(tricky, { maxLength: 5 }), (strings) => {
				expect(guardJson(JSON.stringify(strings), { maxDepth: 1 })).toEqual({ ok: true });
				expect(guardJson(JSON.stringify({ [strings.join("")]: strings }), { maxDepth: 2 })).toEqual({ ok: true });
			}),
			{ numRuns: 1000 },
		);
	});

	it("never throws, whatever the text (property)", () => {
		const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)); // lone surrogates too
		const jsonish = fc.constantFrom(...'[]{}"\\:,-+.eE0123456789 tfn');
		fc.assert(
			fc.property(
				fc.oneof(fc.string(), fc.string({ unit: "binary" }), fc.string({ unit: codeUnit }), fc.string({ unit: jsonish, maxLength: 200 })),
				fc.integer({ min: 0, max: 5 }),
				(text, maxDepth) => {
					const result = guardJson(text, { maxDepth });
					expect(typeof result.ok).toBe("boolean");
				},
			),
			{ numRuns: 3000 },
		);
	});
});

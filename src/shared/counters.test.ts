import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sumBy, toNullProtoRecord } from "./counters";

const PROTO_KEYS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf", "__defineGetter__", "prototype"];

interface Row {
	type: string;
	count: number;
}

describe("sumBy", () => {
	it("totals rows whose keys name Object.prototype members like any other key", () => {
		const rows: Row[] = [
			{ type: "__proto__", count: 2 },
			{ type: "constructor", count: 3 },
			{ type: "toString", count: 5 },
			{ type: "hasOwnProperty", count: 7 },
			{ type: "__proto__", count: 11 },
			{ type: "user.signup", count: 1 },
		];
		const totals = sumBy(
			rows,
			(r) => r.type,
			(r) => r.count,
		);
		expect([...totals]).toEqual([
			["__proto__", 13],
			["constructor", 3],
			["toString", 5],
			["hasOwnProperty", 7],
			["user.signup", 1],
		]);
		expect(totals.has("valueOf")).toBe(false);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it("keeps keys of other types apart: 1 and '1' are two groups", () => {
		const totals = sumBy(
			[1, "1", 1],
			(k) => k,
			() => 1,
		);
		expect(totals.get(1)).toBe(2);
		expect(totals.get("1")).toBe(1);
	});

	it("matches a naive per-key total for any keys, prototype names included (property)", () => {
		const key = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 3 }));
		fc.assert(
			fc.property(fc.array(fc.record({ type: key, count: fc.integer({ min: -1000, max: 1000 }) }), { maxLength: 50 }), (rows) => {
				const totals = sumBy(
					rows,
					(r) => r.type,
					(r) => r.count,
				);
				const keys = new Set(rows.map((r) => r.type));
				expect([...totals.keys()].sort()).toEqual([...keys].sort());
				for (const k of keys) {
					expect(totals.get(k)).toBe(rows.filter((r) => r.type === k).reduce((s, r) => s + r.count, 0));
				}
			}),
			{ numRuns: 500 },
		);
	});
});

describe("toNullProtoRecord", () => {
	it("turns __proto__, constructor, toString and hasOwnProperty totals into plain JSON members", () => {
		const map = new Map([
			["__proto__", 13],
			["constructor", 3],
			["toString", 5],
			["hasOwnProperty", 7],
		]);
		const record = toNullProtoRecord(map);
		expect(Object.getPrototypeOf(record)).toBeNull();
		expect(Object.keys(record)).toEqual(["__proto__", "constructor", "toString", "hasOwnProperty"]);
		expect(Object.getOwnPropertyDescriptor(record, "__proto__")?.value).toBe(13);
		expect(record.toString).toBe(5);
		expect(JSON.parse(JSON.stringify(record))).toEqual(JSON.parse('{"__proto__":13,"constructor":3,"toString":5,"hasOwnProperty":7}'));
		expect(JSON.stringify(record)).toBe('{"__proto__":13,"constructor":3,"toString":5,"hasOwnProperty":7}');
	});

	it("has no inherited members: a key that was not counted is absent", () => {
		const record = toNullProtoRecord(new Map([["a", 1]]));
		expect("toString" in record).toBe(false);
		expect(record.constructor).toBeUndefined();
	});

	it("survives c.json-style serialisation and parsing back with every total intact (property)", () => {
		const key = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.string({ maxLength: 3 }));
		fc.assert(
			fc.property(fc.array(fc.tuple(key, fc.integer()), { maxLength: 30 }), (pairs) => {
				const map = new Map(pairs);
				const parsed: Record<string, number> = JSON.parse(JSON.stringify(toNullProtoRecord(map)));
				expect(Object.keys(parsed).sort()).toEqual([...map.keys()].sort());
				for (const [k, v] of map) expect(Object.getOwnPropertyDescriptor(parsed, k)?.value).toBe(v);
			}),
			{ numRuns: 500 },
		);
	});
});

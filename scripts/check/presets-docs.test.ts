// The preset table of docs/sources.md and the count in README.md follow the
// registry: a preset added without its documentation row (or a stale count)
// fails here.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PRESET_INFO, PRESET_KINDS } from "../../src/sources/presets";

const ROOT = path.resolve(import.meta.dirname, "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

describe("preset documentation", () => {
	const sources = read("docs/sources.md");
	const rows = new Map([...sources.matchAll(/^\| `([a-z]+)` +\| `([A-Z0-9_]+)` +\|/gm)].map((m) => [m[1], m[2]] as const));

	it("has a row per preset in docs/sources.md, naming its secret var", () => {
		expect([...rows.keys()].sort()).toEqual([...PRESET_KINDS].sort());
		for (const kind of PRESET_KINDS) expect(rows.get(kind), kind).toBe(PRESET_INFO[kind].secretVar);
	});

	it("says how many presets there are, in the README and the guide's title", () => {
		expect(read("README.md")).toContain(`${PRESET_KINDS.length} named presets`);
		expect(sources).toMatch(new RegExp(`^# Sources: connect ${PRESET_KINDS.length} providers`, "m"));
	});
});

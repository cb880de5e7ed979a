// Defaults live in one place: ENV_SCHEMA (src/shared/config.ts) for the
// numeric and boolean vars, DEFAULT_RULES for the alert rules. wrangler.toml
// sets only what differs from them, and docs/configuration.md shows
// ENV_SCHEMA's defaults: a default copied into wrangler.toml, or a var
// missing from the docs (or documented with another default), fails here.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseAlertRules } from "../../src/alerting/config";
import { DEFAULT_RULES } from "../../src/alerting/core/rules";
import { ENV_SCHEMA, parseConfigVars } from "../../src/shared/config";
import { ROOT, readTarget } from "./target";

const vars = readTarget().vars;

describe("wrangler.toml [vars]: only what differs from the defaults", () => {
	it("sets no numeric or boolean var to its ENV_SCHEMA default, and every one it sets parses", () => {
		expect(parseConfigVars(vars).issues).toEqual([]);
		for (const [name, spec] of Object.entries(ENV_SCHEMA)) {
			if (vars[name] === undefined) continue;
			expect(String(vars[name]).trim(), `${name} repeats its default`).not.toBe(spec.default);
		}
	});

	it("sets ALERT_RULES only to change the default rules", () => {
		if (typeof vars.ALERT_RULES !== "string") return;
		const problems: string[] = [];
		expect(parseAlertRules(vars.ALERT_RULES, problems)).not.toEqual(DEFAULT_RULES);
		expect(problems).toEqual([]);
	});
});

describe("docs/configuration.md's vars table", () => {
	const doc = readFileSync(path.join(ROOT, "docs/configuration.md"), "utf8");
	const rows = new Map([...doc.matchAll(/^\| `([A-Z0-9_]+)` +\| `"([^"`]*)"` +\|/gm)].map((m) => [m[1], m[2]] as const));

	it("shows every ENV_SCHEMA var with ENV_SCHEMA's default", () => {
		for (const [name, spec] of Object.entries(ENV_SCHEMA)) expect(rows.get(name), name).toBe(spec.default);
	});
});

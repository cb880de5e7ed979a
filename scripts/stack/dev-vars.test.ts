import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureDevVars } from "./dev-vars";

describe(".dev.vars from the committed example", () => {
	it("creates .dev.vars from .dev.vars.example when it is missing", () => {
		const dir = mkdtempSync(path.join(tmpdir(), "dev-vars-"));
		writeFileSync(path.join(dir, ".dev.vars.example"), 'ADMIN_TOKEN="x"\n');
		expect(ensureDevVars(dir)).toBe(true);
		expect(readFileSync(path.join(dir, ".dev.vars"), "utf8")).toBe('ADMIN_TOKEN="x"\n');
	});

	it("never overwrites a developer's own .dev.vars", () => {
		const dir = mkdtempSync(path.join(tmpdir(), "dev-vars-"));
		writeFileSync(path.join(dir, ".dev.vars.example"), 'ADMIN_TOKEN="x"\n');
		writeFileSync(path.join(dir, ".dev.vars"), 'ADMIN_TOKEN="mine"\n');
		expect(ensureDevVars(dir)).toBe(false);
		expect(readFileSync(path.join(dir, ".dev.vars"), "utf8")).toBe('ADMIN_TOKEN="mine"\n');
	});

	it("appends the variables the example gained, keeping every value already there", () => {
		const dir = mkdtempSync(path.join(tmpdir(), "dev-vars-"));
		writeFileSync(path.join(dir, ".dev.vars.example"), '# c\nADMIN_TOKEN="x"\nPADDLE_WEBHOOK_SECRET="p"\n');
		writeFileSync(path.join(dir, ".dev.vars"), 'ADMIN_TOKEN="mine"\n');
		expect(ensureDevVars(dir)).toBe(true);
		const text = readFileSync(path.join(dir, ".dev.vars"), "utf8");
		expect(text).toMatch(/^ADMIN_TOKEN="mine"$/m);
		expect(text).toMatch(/^PADDLE_WEBHOOK_SECRET="p"$/m);
		expect(text).not.toMatch(/^ADMIN_TOKEN="x"$/m);
		expect(ensureDevVars(dir)).toBe(false);
	});

	it("is what this repository ships: an example with every secret the Worker reads", () => {
		const example = readFileSync(path.resolve(import.meta.dirname, "../../.dev.vars.example"), "utf8");
		for (const name of ["WEBHOOK_SECRET", "ADMIN_TOKEN"]) expect(example).toMatch(new RegExp(`^${name}=`, "m"));
	});
});

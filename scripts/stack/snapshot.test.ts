import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NOT_COPIED, snapshotWorker } from "./snapshot";

const ROOT = path.resolve(import.meta.dirname, "../..");

describe("worker snapshot", () => {
	it("copies everything wrangler may need but not .git or state, links node_modules, and is isolated from later edits", () => {
		const snap = snapshotWorker();
		try {
			for (const entry of ["wrangler.toml", "src", "migrations"]) expect(existsSync(path.join(snap.dir, entry))).toBe(true);
			for (const entry of readdirSync(ROOT).filter((e) => !NOT_COPIED.has(e))) expect(existsSync(path.join(snap.dir, entry))).toBe(true);
			expect(existsSync(path.join(snap.dir, ".git"))).toBe(false);
			expect(readFileSync(path.join(snap.dir, "wrangler.toml"), "utf8")).toBe(readFileSync(path.join(ROOT, "wrangler.toml"), "utf8"));
			expect(lstatSync(path.join(snap.dir, "node_modules")).isSymbolicLink()).toBe(true);
			// Editing the copy leaves the repo alone (and vice versa): a real copy.
			writeFileSync(path.join(snap.dir, "wrangler.toml"), "# edited\n");
			expect(readFileSync(path.join(ROOT, "wrangler.toml"), "utf8")).not.toBe("# edited\n");
		} finally {
			snap.remove();
		}
		expect(existsSync(snap.dir)).toBe(false);
	});
});

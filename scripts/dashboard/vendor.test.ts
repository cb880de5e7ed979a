import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { installedVersion, sourceOf, VENDOR_DIR, VENDORED } from "./vendor";

describe("dashboard vendor files", () => {
	it.each(VENDORED)("public/dashboard/vendor has %s of the installed uplot (npm run dashboard:vendor)", (from, to) => {
		const served = readFileSync(path.join(VENDOR_DIR, to));
		expect(served.equals(readFileSync(sourceOf(from))), `stale copy of uplot ${installedVersion()}`).toBe(true);
	});
});

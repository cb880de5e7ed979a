import { describe, expect, it } from "vitest";
import { d1ExecuteArgs, isLockedError, sqlString } from "./d1";

describe("D1 access", () => {
	it("retries a read that found the local database locked, and nothing else", () => {
		const locked = Object.assign(new Error("Command failed: wrangler d1 execute"), {
			stderr: "workerd/util/sqlite.c++:1827: failed: SQLite failed; dbErrorMessage(err, db) = database is locked: SQLITE_BUSY",
		});
		expect(isLockedError(locked)).toBe(true);
		expect(isLockedError(new Error("no such table: events"))).toBe(false);
		expect(isLockedError(undefined)).toBe(false);
	});

	it("reads local D1 by default, a given persist dir, or the remote database", () => {
		expect(d1ExecuteArgs({}, "SELECT 1")).toEqual(["d1", "execute", "DB", "--local", "--json", "--command", "SELECT 1"]);
		expect(d1ExecuteArgs({ persistDir: "/tmp/s" }, "SELECT 1")).toContain("/tmp/s");
		const remote = d1ExecuteArgs({ remote: true, persistDir: "/ignored" }, "SELECT 1");
		expect(remote).toContain("--remote");
		expect(remote).not.toContain("--local");
		expect(remote).not.toContain("/ignored");
	});

	it("quotes SQL strings so a quote cannot end the literal", () => {
		expect(sqlString("o'clock")).toBe("'o''clock'");
	});
});

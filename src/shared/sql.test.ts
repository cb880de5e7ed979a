import { describe, expect, it } from "vitest";
import { afterKey, atLeast, contains, eq, where } from "./sql";

describe("where clauses", () => {
	it("keeps only the conditions that have values, in order", () => {
		const clause = where([eq("event_type", "a"), eq("status", undefined), atLeast("t", 5), afterKey("t", "rowid", { at: 9, id: 3 })]);
		expect(clause.sql).toBe("WHERE (event_type = ?) AND (t >= ?) AND ((t, rowid) < (?, ?))");
		expect(clause.params).toEqual(["a", 5, 9, 3]);
	});

	it("is empty when nothing filters", () => {
		expect(where([eq("a", undefined), false, afterKey("t", "id", null)])).toEqual({ sql: "", params: [] });
	});

	it("escapes LIKE wildcards so error text matches literally", () => {
		const { params } = where([contains("error", "100%_done\\")]);
		expect(params).toEqual(["%100\\%\\_done\\\\%"]);
	});
});

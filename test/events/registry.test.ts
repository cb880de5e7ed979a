import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { derivedTables } from "../../src/events/registry";

// A registered event type writes its tables through the consumer; the
// migrations must have made them. Fails when a type is registered without
// its migration, or a spec names a column no migration adds.
describe("event type tables in D1", () => {
	it("has every table the registry's types declare, with every column their specs write", async () => {
		for (const spec of derivedTables()) {
			const { results } = await env.DB.prepare("SELECT name FROM pragma_table_info(?)").bind(spec.table).all<{ name: string }>();
			const columns = results.map((r) => r.name);
			expect(columns.length, `table ${spec.table}`).toBeGreaterThan(0);
			expect(columns, `table ${spec.table}`).toEqual(expect.arrayContaining([...spec.columns]));
		}
	});
});

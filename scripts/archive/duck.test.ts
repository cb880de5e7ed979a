import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeLines } from "../../src/archive/line";
import { dayRange, formatTable, queryArchive } from "./duck";

const dir = mkdtempSync(path.join(tmpdir(), "duck-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (id: string, source: string, type: string, payload: string) => ({
	id,
	source,
	type,
	received_at: 1_796_000_000_000,
	occurred_at: 1_796_000_000_000,
	provider_event_id: source === "stripe" ? id : null,
	provider_type: source === "stripe" ? "invoice.payment_failed" : null,
	headers: source === "stripe" ? { "content-type": "application/json" } : null,
	payload,
});

describe("DuckDB over archive NDJSON", () => {
	it("queries days of archive lines as the view events, payload JSON included, and an empty day too", async () => {
		const day1 = path.join(dir, "d1.ndjson");
		const day2 = path.join(dir, "d2.ndjson");
		const empty = path.join(dir, "d3.ndjson");
		writeFileSync(
			day1,
			encodeLines([
				line("a", "direct", "usage_tracked", JSON.stringify({ metadata: { quantity: 2 } })),
				line("b", "stripe", "payment_failed", '{ "data": {"object": {"amount_due": 4900}} }\n'),
			]),
		);
		writeFileSync(day2, encodeLines([line("c", "direct", "usage_tracked", JSON.stringify({ metadata: { quantity: 3 } }))]));
		writeFileSync(empty, "");
		const result = await queryArchive(
			[day1, day2, empty],
			"SELECT source, count(*) AS n, sum(coalesce(json_extract(payload, '$.metadata.quantity')::INT, 0)) AS qty, max(json_extract(payload, '$.data.object.amount_due')::INT) AS due FROM events GROUP BY source ORDER BY source",
		);
		expect(result.columns).toEqual(["source", "n", "qty", "due"]);
		expect(result.rows).toEqual([
			["direct", "2", "5", null],
			["stripe", "1", "0", 4900],
		]);
		expect(formatTable(result).split("\n")).toEqual([
			"source | n | qty | due ",
			"-------+---+-----+-----",
			"direct | 2 | 5   | NULL",
			"stripe | 1 | 0   | 4900",
			"(2 rows)",
		]);
		expect((await queryArchive([], "SELECT count(*) AS n FROM events")).rows).toEqual([["0"]]);
	});

	it("spans an inclusive day range in UTC and refuses a backwards or too long one", () => {
		expect(dayRange("2026-02-27", "2026-03-01")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01"]);
		expect(() => dayRange("2026-03-02", "2026-03-01")).toThrow("bad day range");
		expect(() => dayRange("2024-01-01", "2026-01-01")).toThrow("at most 366");
	});
});

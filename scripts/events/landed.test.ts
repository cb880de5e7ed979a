import { describe, expect, it } from "vitest";
import { landedCountSql, landedRowsSql, prefixRange } from "./landed";

describe("where a run landed", () => {
	it("selects a run by id prefix as a key range that stops at the next prefix", () => {
		expect(prefixRange("evabc")).toBe("event_id >= 'evabc-' AND event_id < 'evabc.'");
		// Every id of the run sorts inside the range; a longer run id does not.
		const inRange = (id: string) => id >= "evabc-" && id < "evabc.";
		expect(inRange("evabc-000001")).toBe(true);
		expect(inRange("evabc-zzzzzz")).toBe(true);
		expect(inRange("evabcd-000001")).toBe(false);
		expect(inRange("evab-000001")).toBe(false);
	});

	it("reads processed and open dead-lettered rows of the run in one statement", () => {
		const sql = landedRowsSql({ runId: "evabc" });
		expect(sql.match(/SELECT/g)).toHaveLength(2);
		expect(sql).toContain("UNION ALL");
		expect(sql).toContain("status = 'open'");
	});

	it("selects a providers run by its stored ids, and a stray by its marker within one source", () => {
		const select = { ids: ["stripe:evt_1", "slack:Ev1"], strays: [{ source: "slack", contains: "chal'lenge" }] };
		const sql = landedRowsSql(select);
		expect(sql).toContain("event_id IN ('stripe:evt_1', 'slack:Ev1')");
		expect(sql).toContain("(source = 'slack' AND instr(payload, 'chal''lenge') > 0)");
		expect(sql).toContain("status, event_type FROM events");
		// The dead-letter half keeps its own status filter over the whole selection.
		expect(sql).toMatch(/FROM dead_letters WHERE \(event_id IN .* OR \(source = 'slack'.*\)\) AND status = 'open'/);
	});

	it("leaves strays out of the drain count, so one cannot make a run look drained", () => {
		const sql = landedCountSql({ ids: ["stripe:evt_1"], strays: [{ source: "slack", contains: "x" }] });
		expect(sql).toContain("event_id IN ('stripe:evt_1')");
		expect(sql).not.toContain("instr");
	});
});

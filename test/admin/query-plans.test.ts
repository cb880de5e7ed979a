import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { STATS_BY_TYPE_SQL } from "../../src/admin/stats-queries";

// The admin list queries page newest first on (time, rowid): each filter must
// be served by an index in that order, with no sort of the matching rows.
async function plan(sql: string, ...params: unknown[]): Promise<string> {
	const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
		.bind(...params)
		.all<{ detail: string }>();
	return results.map((r) => r.detail).join("\n");
}

const EVENTS = "SELECT rowid, event_id FROM events";
const PAGE = "AND (occurred_at, rowid) < (?, ?) ORDER BY occurred_at DESC, rowid DESC LIMIT 51";

describe("admin query plans", () => {
	it.each([
		["no filter", `${EVENTS} WHERE occurred_at >= ? ${PAGE}`, [0, 1e13, 1], "events_occurred"],
		["type", `${EVENTS} WHERE event_type = ? ${PAGE}`, ["t", 1e13, 1], "events_occurred"],
		// Three secondary indexes (migrations/0010_archive.sql): filters without
		// their own walk events_occurred in page order, within a scan budget.
		["user", `${EVENTS} WHERE user_id = ? ${PAGE}`, ["u", 1e13, 1], "events_user_time"],
		["source", `${EVENTS} WHERE source = ? ${PAGE}`, ["stripe", 1e13, 1], "events_occurred"],
		["status", `${EVENTS} WHERE status = ? ${PAGE}`, ["unhandled", 1e13, 1], "events_occurred"],
	])("GET /api/events by %s uses an index with no sort", async (_name, sql, params, index) => {
		const detail = await plan(sql, ...params);
		expect(detail).toContain(index);
		expect(detail).not.toContain("TEMP B-TREE");
	});

	it("GET /api/dead-letters (open) walks dead_letters_status_time with no sort", async () => {
		const detail = await plan(
			"SELECT id FROM dead_letters WHERE status = ? AND (failed_at, id) < (?, ?) ORDER BY failed_at DESC, id DESC LIMIT 51",
			"open",
			1e13,
			1,
		);
		expect(detail).toContain("dead_letters_status_time");
		expect(detail).not.toContain("TEMP B-TREE");
	});

	it("GET /api/stats reads the window from the covering index only", async () => {
		const detail = await plan(STATS_BY_TYPE_SQL, 0);
		expect(detail).toContain("COVERING INDEX events_stats");
	});
});

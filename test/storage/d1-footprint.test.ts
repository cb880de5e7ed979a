import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seededMix } from "../analytics/mix";
import { countRows, queueMessage } from "../support/builders";
import { asMessages, deliver } from "../support/queue";
import { countingD1, mixedRun } from "./d1-footprint";

// Issue 17 asks ≤ 6 D1 rows written and ≤ 6 b-tree entries per event. Before
// migrations/0011_lean_writes.sql this run measured 21.8 rows written, 11.0
// entries and 608 bytes per event; after it 12.7, 10.0 and 568; after
// 0012_lean_ledgers.sql 11.75, 9.00 and 608, and 568 bytes once events rows
// kept 128 bits of the content hash (docs/capacity.md says where the rest
// goes). These bounds fail on any regression.
describe("D1 footprint of a mixed run (direct events of every type and Stripe deliveries)", () => {
	it("writes at most 11.8 rows and 9 b-tree entries per event, by D1's own meta", async () => {
		const fp = await mixedRun();
		expect(fp.events).toBe(411);
		expect(fp.rowsPerEvent).toBeLessThanOrEqual(11.8);
		expect(fp.entriesPerEvent).toBeLessThanOrEqual(9);
		expect(fp.bytesPerEvent).toBeLessThanOrEqual(580);
		// The ledgers keep their key once (WITHOUT ROWID): no separate primary key index.
		const ledgers = ["users", "subscriptions", "subscription_changes", "usage_records", "payment_failures"];
		expect(ledgers.filter((t) => fp.entries.has(`${t}.(primary key)`))).toEqual([]);
		expect(ledgers.filter((t) => fp.entries.has(t))).toEqual(ledgers);
		const rowsOf = (prefix: string) => [...fp.byStatement].filter(([sql]) => sql.startsWith(prefix)).reduce((n, [, r]) => n + r, 0);
		// The events row, its primary key and its three indexes; nothing by trigger.
		expect(rowsOf("INSERT INTO events ")).toBe(5 * fp.events);
		// Counters and the latency histogram: a few rows per batch of 10, not per event.
		const counters = rowsOf("UPDATE pipeline_counters") + rowsOf("WITH fresh") + rowsOf("INSERT INTO e2e_latency_counts");
		expect(counters / fp.events).toBeLessThanOrEqual(0.6);
	});

	it("a redelivered batch writes nothing but the batch's mark, and counts nothing", async () => {
		const messages = seededMix(9, Date.UTC(2031, 2, 1), `re${crypto.randomUUID().slice(0, 6)}`)
			.slice(0, 10)
			.map((e) => queueMessage(e));
		await deliver("webhook-events", asMessages(messages));
		const counters = () => env.DB.prepare("SELECT name, value FROM pipeline_counters ORDER BY name").all();
		const histogram = () => env.DB.prepare("SELECT le, count FROM e2e_latency_counts ORDER BY le").all();
		const before = { counters: (await counters()).results, histogram: (await histogram()).results };
		const { db, tally } = countingD1(env.DB);
		await deliver("webhook-events", asMessages(messages, 2), { DB: db });
		const marks = [...tally.byStatement]
			.filter(([sql]) => sql.startsWith("UPDATE pipeline_counters SET value = (SELECT"))
			.reduce((n, [, r]) => n + r, 0);
		expect(marks).toBe(1);
		expect(tally.rowsWritten).toBe(marks);
		expect((await counters()).results).toEqual(
			before.counters.map((c) => ((c as { name: string }).name === "events_mark" ? expect.anything() : c)),
		);
		expect((await histogram()).results).toEqual(before.histogram);
		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", messages[0]?.event.event_id)).toBe(1);
	});
});

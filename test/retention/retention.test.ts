import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveDay } from "../../src/archive/layout";
import worker from "../../src/index";
import { backfillArchive } from "../../src/retention/backfill";
import { runRetention } from "../../src/retention/run";
import { deadLetter, processEvents } from "../admin/helpers";
import { seededMix, windowsOver } from "../analytics/mix";
import { ROUTES } from "../analytics/reference";
import { routeAnswer } from "../analytics/through-routes";
import { archiveCopies, archivedEvent } from "../support/archive";
import { countRows, validEvent } from "../support/builders";

const DAY = 86_400_000;

// A scheduled tick through the Worker's own handler, at a chosen time.
async function tick(scheduledTime: number): Promise<void> {
	const ctx = createExecutionContext();
	await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
	await waitOnExecutionContext(ctx);
}

const counter = (name: string) => countRows("SELECT value AS n FROM pipeline_counters WHERE name = ?", name);

async function answers(start: number): Promise<unknown[]> {
	const out: unknown[] = [];
	for (const search of windowsOver(start).slice(0, 4)) for (const route of ROUTES) out.push(await routeAnswer(route, search));
	return out;
}

const backlog = async () => {
	const text = await (
		await exports.default.fetch(new Request("https://localhost/metrics", { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } }))
	).text();
	return Number(/^webhook_backlog_events (\d+)$/m.exec(text)?.[1]);
};

describe("retention on every scheduled tick", () => {
	it("40 days on leaves ≤ 1 % of the run's rows; analytics answer the same, the archive keeps every event, counted once", async () => {
		const start = Date.UTC(2033, 1, 1);
		const events = seededMix(17, start, "ret");
		for (let i = 0; i < events.length; i += 10) await processEvents(events.slice(i, i + 10));
		const ids = events.map((e) => e.event_id);
		const open = await deadLetter(validEvent("usage_tracked"));
		const discarded = await deadLetter(validEvent("usage_tracked"));
		await env.DB.prepare("UPDATE dead_letters SET status = 'discarded', resolved_at = ? WHERE id = ?").bind(Date.now(), discarded).run();
		const before = { answers: await answers(start), backlog: await backlog(), deleted: await counter("retention_deleted") };

		// A tick inside the window deletes nothing of this run.
		await tick(Date.now() + DAY);
		expect(await countRows(`SELECT count(*) AS n FROM events WHERE event_id LIKE 'ret\\_%' ESCAPE '\\'`)).toBe(events.length);

		const later = Date.now() + 40 * DAY;
		await tick(later);
		const left = await countRows(`SELECT count(*) AS n FROM events WHERE event_id LIKE 'ret\\_%' ESCAPE '\\'`);
		expect(left).toBeLessThanOrEqual(events.length / 100);
		const deleted = (await counter("retention_deleted")) - before.deleted;
		expect(deleted).toBeGreaterThanOrEqual(events.length + 1);

		// Idempotent: the same tick again finds nothing, and counts nothing.
		await tick(later);
		expect((await counter("retention_deleted")) - before.deleted).toBe(deleted);

		// Kept: business tables, rollups, open dead letters; answers and backlog unchanged.
		expect(await answers(start)).toEqual(before.answers);
		expect(await backlog()).toBe(before.backlog);
		expect(await countRows("SELECT count(*) AS n FROM dead_letters WHERE id = ?", open)).toBe(1);
		expect(await countRows("SELECT count(*) AS n FROM dead_letters WHERE id = ?", discarded)).toBe(0);

		// The archive still holds every event, once.
		const copies = await archiveCopies(archiveDay(Date.now()), ids);
		expect([...copies.values()].filter((c) => c.live !== 1)).toEqual([]);
	});
});

describe("migration path: rows stored before 0010", () => {
	it("keep their inline payload readable, move to the archive in bounded chunks, and only then are deleted by retention", async () => {
		const event = validEvent("user_signup");
		const now = Date.now();
		// A row as 0001–0007 stored it: payload and headers inline, no archive location.
		await env.DB.prepare(
			`INSERT INTO events (event_id, source, event_type, user_id, occurred_at, received_at, processed_at, latency_ms, attempts, status, payload)
			 VALUES (?, 'direct', 'user_signup', ?, ?, ?, ?, 0, 1, 'processed', ?)`,
		)
			.bind(event.event_id, event.user_id, now, now, now, JSON.stringify(event))
			.run();
		expect((await archivedEvent(event.event_id)).event?.payload).toBe(JSON.stringify(event));
		// Retention leaves an inline row alone: its payload lives nowhere else.
		await runRetention(env, now + 40 * DAY);
		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", event.event_id)).toBe(1);

		// The backfill walks rowids below the migration's mark: move this row's range.
		await env.DB.prepare(
			"UPDATE pipeline_counters SET value = (SELECT rowid + 1 FROM events WHERE event_id = ?) WHERE name = 'archive_backfill_before'",
		)
			.bind(event.event_id)
			.run();
		let done = false;
		for (let i = 0; i < 1000 && !done; i++) done = (await backfillArchive(env, now)).done;
		expect(done).toBe(true);
		const moved = await archivedEvent(event.event_id);
		expect(moved.row).toMatchObject({ payload: "", headers: null });
		expect(moved.event?.payload).toBe(JSON.stringify(event));
		expect((await backfillArchive(env, now)).moved).toBe(0);
		await runRetention(env, now + 40 * DAY);
		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", event.event_id)).toBe(0);
	});
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventSummary } from "../../src/admin/schemas";
import { attemptStatements } from "../../src/consumer/writes";
import { validEvent } from "../support/builders";
import { adminJson, deadLetter, expectBadParam, processEvents } from "./helpers";

type Page = { data: EventSummary[]; next_cursor: string | null };

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 9, minute)).toISOString();

describe("GET /api/events", () => {
	it("pages through every match newest first, with no gap or repeat, and filters combine", async () => {
		const type = `list_${crypto.randomUUID().slice(0, 8)}`;
		const events = Array.from({ length: 7 }, (_, i) => validEvent(type, { timestamp: at(i % 3), user_id: i % 2 ? "u_odd" : "u_even" }));
		await processEvents(events);

		const seen: EventSummary[] = [];
		let cursor: string | null = null;
		do {
			const page: Page = await adminJson(`/api/events?type=${type}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
			expect(page.data.length).toBeLessThanOrEqual(3);
			seen.push(...page.data);
			cursor = page.next_cursor;
		} while (cursor);
		expect(seen.map((e) => e.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
		const times = seen.map((e) => e.occurred_at);
		expect(times).toEqual([...times].sort((a, b) => b - a));

		const odd: Page = await adminJson(`/api/events?type=${type}&user_id=u_odd&status=unhandled&limit=500`);
		expect(odd.data).toHaveLength(3);
		expect(odd.data.every((e) => e.user_id === "u_odd" && e.status === "unhandled")).toBe(true);
		expect(odd.next_cursor).toBeNull();

		const ranged: Page = await adminJson(`/api/events?type=${type}&from=${encodeURIComponent(at(1))}&to=${Date.parse(at(2))}`);
		expect(ranged.data.map((e) => e.occurred_at)).toEqual([Date.parse(at(1)), Date.parse(at(1))]);

		const processed: Page = await adminJson(`/api/events?type=${type}&status=processed`);
		expect(processed.data).toEqual([]);
	});

	it("rejects bad parameters with a 400 naming each one", async () => {
		await expectBadParam("/api/events?limit=0", "limit");
		await expectBadParam("/api/events?limit=501", "limit");
		await expectBadParam("/api/events?status=lost", "status");
		await expectBadParam("/api/events?from=yesterday", "from");
		await expectBadParam("/api/events?to=2026-11-27T10:00:00", "to");
		await expectBadParam("/api/events?cursor=not-a-cursor", "cursor");
	});
});

describe("GET /api/events/:id", () => {
	it("returns the event, its payload and its failed attempts", async () => {
		const event = validEvent("usage_tracked");
		await env.DB.batch(
			attemptStatements(env.DB, [
				{ event_id: event.event_id, attempt: 1, error: "TransientError: d1 busy", failed_at: 1000 },
				{ event_id: event.event_id, attempt: 2, error: "TransientError: d1 busy again", failed_at: 3000 },
			]),
		);
		await processEvents([event], 3);
		const body = await adminJson<Record<string, any>>(`/api/events/${event.event_id}`);
		expect(body.event).toMatchObject({ event_id: event.event_id, status: "processed", attempts: 3, payload: event });
		expect(body.attempts).toEqual([
			{ attempt: 1, error: "TransientError: d1 busy", failed_at: 1000 },
			{ attempt: 2, error: "TransientError: d1 busy again", failed_at: 3000 },
		]);
		expect(body.dead_letters).toEqual([]);
	});

	it("shows a dead-lettered event that never reached the event log", async () => {
		const event = validEvent("usage_tracked", { metadata: { feature: "x", quantity: -1 } });
		const id = await deadLetter(event);
		const body = await adminJson<Record<string, any>>(`/api/events/${event.event_id}`);
		expect(body.event).toBeNull();
		expect(body.dead_letters).toMatchObject([{ id, status: "open", error: expect.stringContaining("feature") }]);
	});

	it("answers 404 for an id nobody has seen", async () => {
		const body = await adminJson(`/api/events/evt_never_seen_${crypto.randomUUID()}`, {}, 404);
		expect(body).toMatchObject({ error: "event_not_found" });
	});
});

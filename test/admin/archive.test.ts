import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveDay } from "../../src/archive/layout";
import type { ArchivedEvent } from "../../src/archive/line";
import { runRetention } from "../../src/retention/run";
import { queueMessage, validEvent } from "../support/builders";
import { asMessages, deliver } from "../support/queue";
import { admin, expectBadParam, processEvents } from "./helpers";

const DAY = 86_400_000;

async function archiveDayLines(day: string, query = ""): Promise<ArchivedEvent[]> {
	const res = await admin(`/api/archive/${day}${query}`);
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toContain("application/x-ndjson");
	const text = new TextDecoder().decode(await res.arrayBuffer());
	return text
		.split("\n")
		.filter((l) => l !== "")
		.map((l) => JSON.parse(l) as ArchivedEvent);
}

describe("GET /api/archive/<day>", () => {
	it("streams the day's events once each with whole payloads, through a redelivered batch, before and after retention", async () => {
		const received = Date.UTC(2034, 2, 3, 12);
		const day = archiveDay(received);
		const big = validEvent("user_signup", { metadata: { email: "big@example.com", note: "é".repeat(80_000) } });
		const events = [...Array.from({ length: 5 }, () => validEvent("usage_tracked")), big];
		const messages = asMessages(events.map((e) => queueMessage(e, received)));
		await deliver("webhook-events", messages);
		// The queue delivers the same batch again: a second object, never a second copy served.
		await deliver("webhook-events", messages);

		const before = await archiveDayLines(day);
		expect(before.map((l) => l.id).sort()).toEqual(events.map((e) => e.event_id).sort());
		for (const event of events) expect(JSON.parse(before.find((l) => l.id === event.event_id)?.payload ?? "null")).toEqual(event);
		expect(before[0]).toMatchObject({ source: "test", received_at: received, provider_event_id: null, headers: null });

		await runRetention(env, Date.now() + 40 * DAY);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM events WHERE received_at = ?").bind(received).first("n")).toBe(0);
		expect(await archiveDayLines(day)).toEqual(before);
		expect(await archiveDayLines(day, "?source=stripe")).toEqual([]);
	});

	it("filters by source", async () => {
		const event = validEvent("user_signup");
		await processEvents([event]);
		const lines = await archiveDayLines(archiveDay(Date.now()), "?source=test");
		expect(lines.map((l) => l.id)).toContain(event.event_id);
	});

	it("answers 400 for a day that is not a calendar date, and 401 without the token", async () => {
		await expectBadParam("/api/archive/2034-02-30", "day");
		await expectBadParam("/api/archive/yesterday", "day");
		expect((await admin("/api/archive/2034-03-03", { token: null })).status).toBe(401);
	});
});

import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { DeadLetter } from "../../src/admin/schemas";
import { countRows, validEvent } from "../support/builders";
import { asMessages, deliver } from "../support/queue";
import { admin, adminJson, brokenQueue, capturingQueue, DLQ, deadLetter, expectBadParam, withQueue } from "./helpers";

type Page = { data: DeadLetter[]; next_cursor: string | null };

const statusOf = (id: number) =>
	env.DB.prepare("SELECT status, resolved_at FROM dead_letters WHERE id = ?").bind(id).first<Pick<DeadLetter, "status" | "resolved_at">>();

describe("reviewing dead letters", () => {
	it("lists open letters newest first, filtered by type and error text, and shows one with its payload", async () => {
		const type = `dl_${crypto.randomUUID().slice(0, 8)}`;
		const a = await deadLetter(validEvent(type), "TransientError: upstream 502", 1_000);
		const b = await deadLetter(validEvent(type), "PermanentError: amount_100%_wrong", 2_000);
		const page: Page = await adminJson(`/api/dead-letters?type=${type}`);
		expect(page.data.map((d) => d.id)).toEqual([b, a]);
		const byError: Page = await adminJson(`/api/dead-letters?type=${type}&error=${encodeURIComponent("100%_")}`);
		expect(byError.data.map((d) => d.id)).toEqual([b]);
		const ranged: Page = await adminJson(`/api/dead-letters?type=${type}&from=1500`);
		expect(ranged.data.map((d) => d.id)).toEqual([b]);

		const one = await adminJson<Record<string, any>>(`/api/dead-letters/${a}`);
		expect(one).toMatchObject({ id: a, event_type: type, status: "open", error: "TransientError: upstream 502" });
		expect(one.payload).toMatchObject({ event_type: type });
	});

	it("rejects bad parameters and unknown ids", async () => {
		await expectBadParam("/api/dead-letters?status=lost", "status");
		await expectBadParam("/api/dead-letters?limit=abc", "limit");
		await expectBadParam("/api/dead-letters/abc", "id");
		await expectBadParam("/api/dead-letters/replay", "from", { method: "POST", body: JSON.stringify({ from: "last week" }) });
		expect((await admin("/api/dead-letters/999999999")).status).toBe(404);
		expect((await admin("/api/dead-letters/999999999/replay", { method: "POST" })).status).toBe(404);
		expect((await admin("/api/dead-letters/999999999", { method: "DELETE" })).status).toBe(404);
	});
});

describe("replaying one dead letter", () => {
	it("re-enqueues the original message and marks the letter replayed with the time", async () => {
		const event = validEvent("usage_tracked");
		const id = await deadLetter(event, "retries exhausted");
		const { sent, queue } = capturingQueue();
		const before = Date.now();
		const res = await withQueue(queue, `/api/dead-letters/${id}/replay`, { method: "POST" });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ id, status: "replayed" });
		expect(sent).toEqual([{ event, received_at: expect.any(Number), source: "test" }]);
		const row = await statusOf(id);
		expect(row?.status).toBe("replayed");
		expect(row?.resolved_at).toBeGreaterThanOrEqual(before);

		const again = await withQueue(queue, `/api/dead-letters/${id}/replay`, { method: "POST" });
		expect(again.status).toBe(409);
		expect(sent).toHaveLength(1);
	});

	it("lands a replayed event that now succeeds in events exactly once, through the real queue", async () => {
		const event = validEvent("usage_tracked");
		const id = await deadLetter(event, "retries exhausted");
		expect((await admin(`/api/dead-letters/${id}/replay`, { method: "POST" })).status).toBe(200);
		await vi.waitFor(async () => expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", event.event_id)).toBe(1), {
			timeout: 15_000,
			interval: 200,
		});
		expect(await countRows("SELECT count(*) AS n FROM usage_records WHERE event_id = ?", event.event_id)).toBe(1);
		expect((await statusOf(id))?.status).toBe("replayed");
	});

	it("keeps the letter open when the queue is down (503, retry later)", async () => {
		const id = await deadLetter(validEvent("usage_tracked"), "retries exhausted");
		const res = await withQueue(brokenQueue, `/api/dead-letters/${id}/replay`, { method: "POST" });
		expect(res.status).toBe(503);
		expect(res.headers.get("retry-after")).toBe("5");
		expect(await statusOf(id)).toEqual({ status: "open", resolved_at: null });
	});

	it("refuses (422) a letter whose payload is not an event", async () => {
		const messages = asMessages(["garbage"]);
		await deliver(DLQ, messages);
		const row = await env.DB.prepare("SELECT id FROM dead_letters WHERE event_id = ?")
			.bind(`unparseable:${messages[0]!.id}`)
			.first<{ id: number }>();
		const res = await admin(`/api/dead-letters/${row!.id}/replay`, { method: "POST" });
		expect(res.status).toBe(422);
		expect(await res.json()).toMatchObject({ error: "not_replayable" });
		expect((await statusOf(row!.id))?.status).toBe("open");
	});
});

describe("replaying by filter", () => {
	it("replays every match across many pages, and nothing else", async () => {
		const type = `bulk_${crypto.randomUUID().slice(0, 8)}`;
		const events = Array.from({ length: 205 }, () => validEvent(type));
		const failedAt = Date.now();
		await deliver(
			DLQ,
			asMessages(
				events.map((e) => ({
					dead_letter: { reason: "permanent", error: "boom", attempts: 1, failed_at: failedAt },
					message: { event: e, received_at: failedAt - 5, source: "test" },
				})),
			),
		);
		const other = await deadLetter(validEvent("usage_tracked"), "boom");
		const { sent, queue } = capturingQueue();
		const res = await withQueue(queue, "/api/dead-letters/replay", {
			method: "POST",
			body: JSON.stringify({ event_type: type, error: "boom" }),
		});
		const body = (await res.json()) as { matched: number; replayed: number[] };
		expect(res.status).toBe(200);
		expect(body.matched).toBe(205);
		expect(body.replayed).toHaveLength(205);
		expect(sent.map((m) => m.event.event_id).sort()).toEqual(events.map((e) => e.event_id).sort());
		expect(
			await countRows(
				"SELECT count(*) AS n FROM dead_letters WHERE event_type = ? AND status = 'replayed' AND resolved_at IS NOT NULL",
				type,
			),
		).toBe(205);
		expect((await statusOf(other))?.status).toBe("open");

		// Nothing open is left to match: a second call replays nothing.
		const again = await withQueue(queue, "/api/dead-letters/replay", { method: "POST", body: JSON.stringify({ event_type: type }) });
		expect(await again.json()).toMatchObject({ matched: 0, replayed: [] });
		expect(sent).toHaveLength(205);
	});
});

describe("discarding a dead letter", () => {
	it("marks it discarded with the time, keeps the row, and refuses a second resolve", async () => {
		const id = await deadLetter(validEvent("usage_tracked"));
		const res = await admin(`/api/dead-letters/${id}`, { method: "DELETE" });
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ id, status: "discarded", resolved_at: expect.any(Number) });
		expect((await statusOf(id))?.status).toBe("discarded");
		expect((await admin(`/api/dead-letters/${id}`, { method: "DELETE" })).status).toBe(409);
		const replay = await admin(`/api/dead-letters/${id}/replay`, { method: "POST" });
		expect(replay.status).toBe(409);
		expect(await replay.json()).toMatchObject({ error: "dead_letter_resolved", status: "discarded" });
		const listed: Page = await adminJson("/api/dead-letters?status=discarded&limit=500");
		expect(listed.data.map((d) => d.id)).toContain(id);
	});
});

import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { postSigned, signedRequest, validEvent } from "../support/builders";
import { withEventsQueue } from "../support/queue";

interface BatchBody {
	accepted: number;
	duplicates: number;
	rejected: number;
	error?: string;
	results: { index: number; event_id: string | null; status: string; error?: string; fields?: { field: string }[] }[];
}

const postBatch = async (events: unknown[], headers?: Record<string, string>) => {
	const res = await postSigned({ events }, { path: "/webhook/batch", headers });
	return { status: res.status, body: (await res.json()) as BatchBody, res };
};

describe("POST /webhook/batch", () => {
	it("accepts the valid events but answers 400 while one is invalid, reporting each by index", async () => {
		const a = validEvent("user_signup");
		const b = validEvent("usage_tracked");
		const { status, body } = await postBatch([a, { event_id: "broken" }, b]);
		// Not a 2xx: the sender must learn an event was refused. The valid ones
		// are on the queue, and a corrected retry is answered duplicate for them.
		expect(status).toBe(400);
		expect(body.error).toBe("validation_failed");
		expect(body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 1 });
		expect(body.results).toEqual([
			{ index: 0, event_id: a.event_id, status: "accepted" },
			expect.objectContaining({ index: 1, event_id: "broken", status: "rejected", error: "validation_failed" }),
			{ index: 2, event_id: b.event_id, status: "accepted" },
		]);
		expect(body.results[1]?.fields?.map((f) => f.field).sort()).toEqual(["event_type", "timestamp"]);
	});

	it("counts a repeat inside the batch as a duplicate and a changed repeat as a 409 conflict", async () => {
		const a = validEvent();
		const { status, body } = await postBatch([a, a, { ...a, user_id: "other" }]);
		expect(status).toBe(409);
		expect(body.results.map((r) => [r.status, r.error])).toEqual([
			["accepted", undefined],
			["duplicate", undefined],
			["rejected", "idempotency_conflict"],
		]);
	});

	it("deduplicates against earlier single and batch requests", async () => {
		const a = validEvent();
		expect((await postSigned(a)).status).toBe(202);
		const b = validEvent();
		const first = await postBatch([a, b]);
		expect(first.body).toMatchObject({ accepted: 1, duplicates: 1 });
		const again = await postBatch([a, b]);
		expect(again.status).toBe(200);
		expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, rejected: 0 });
	});

	it("answers 400 when no event in the batch is valid", async () => {
		const { status, body } = await postBatch([{ nope: 1 }, "string"]);
		expect(status).toBe(400);
		expect(body).toMatchObject({ error: "validation_failed", accepted: 0, rejected: 2 });
	});

	it("answers 400 for an empty batch or a body without events", async () => {
		expect((await postBatch([])).status).toBe(400);
		const res = await postSigned({ event: [] }, { path: "/webhook/batch" });
		expect(res.status).toBe(400);
		expect(((await res.json()) as { fields: { field: string }[] }).fields[0]?.field).toBe("events");
	});

	it("enforces the batch size limit, naming the events field", async () => {
		const ctx = createExecutionContext();
		const request = await signedRequest({ events: [validEvent(), validEvent(), validEvent()] }, { path: "/webhook/batch" });
		const res = await worker.fetch(request, { ...env, MAX_BATCH_EVENTS: "2" }, ctx);
		await waitOnExecutionContext(ctx);
		expect(res.status).toBe(400);
		expect(((await res.json()) as { fields: { field: string }[] }).fields[0]?.field).toBe("events");
	});

	it("accepts 100 events in one request, enqueued with sendBatch", async () => {
		const events = Array.from({ length: 100 }, () => validEvent("usage_tracked"));
		const { status, body } = await postBatch(events);
		expect(status).toBe(202);
		expect(body.accepted).toBe(100);
	});

	it("answers 503 and releases the claims when the queue is down", async () => {
		const events = [validEvent(), validEvent()];
		const brokenQueue = { sendBatch: () => Promise.reject(new Error("down")) } as unknown as Queue;
		const ctx = createExecutionContext();
		const request = await signedRequest({ events }, { path: "/webhook/batch" });
		const res = await withEventsQueue(brokenQueue, () => worker.fetch(request, env, ctx));
		await waitOnExecutionContext(ctx);
		expect(res.status).toBe(503);
		expect(res.headers.get("retry-after")).toBe("5");
		const body = (await res.json()) as BatchBody;
		expect(body.results.every((r) => r.error === "queue_unavailable")).toBe(true);
		expect((await postBatch(events)).body.accepted).toBe(2);
	});

	it("answers 503 for the whole batch when one chunk fails to enqueue, keeping per-event results; the retry is told duplicate for the rest", async () => {
		// 150 events: more than one sendBatch (at most 100 messages per call).
		const events = Array.from({ length: 150 }, () => validEvent("usage_tracked"));
		const limits = { MAX_BATCH_EVENTS: "150", MAX_BODY_BYTES: String(120 * 1024) };
		let calls = 0;
		const liveQueue = env.EVENTS_QUEUE;
		const flakyQueue = {
			sendBatch: (messages: MessageSendRequest[], options?: QueueSendBatchOptions) =>
				++calls === 1 ? Promise.reject(new Error("one chunk refused")) : liveQueue.sendBatch(messages, options),
		} as unknown as Queue;
		const post = async (queue: Queue) => {
			const ctx = createExecutionContext();
			const request = await signedRequest({ events }, { path: "/webhook/batch" });
			const res = await withEventsQueue(queue, () => worker.fetch(request, { ...env, ...limits }, ctx));
			await waitOnExecutionContext(ctx);
			return { status: res.status, body: (await res.json()) as BatchBody };
		};
		const first = await post(flakyQueue);
		expect(calls).toBeGreaterThan(1);
		expect(first.status).toBe(503);
		const failed = first.body.results.filter((r) => r.error === "queue_unavailable").length;
		expect(failed).toBeGreaterThan(0);
		expect(first.body.accepted).toBe(150 - failed);
		const retry = await post(liveQueue);
		expect(retry.status).toBe(202);
		expect(retry.body).toMatchObject({ accepted: failed, duplicates: 150 - failed });
	});

	it("rejects an unsigned batch with 401", async () => {
		const res = await postSigned({ events: [validEvent()] }, { path: "/webhook/batch", signature: null });
		expect(res.status).toBe(401);
	});
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adminJson } from "../admin/helpers";
import { archivedEvent } from "../support/archive";
import { signedRequest, validEvent } from "../support/builders";
import { asMessages, deliver, fetchRecording, recordingQueue } from "../support/queue";

// An event of about 300 KB: over a queue message (128 KB), under the 1 MiB body limit.
const bigEvent = () => validEvent("user_signup", { metadata: { email: "big@example.com", notes: "é".repeat(150_000) } });

describe("events larger than a queue message (claim check)", () => {
	it("accepts a 300 KB event, queues a pointer to R2, and the consumer archives it whole", async () => {
		const event = bigEvent();
		const { response, sent } = await fetchRecording(await signedRequest(event));
		expect(response.status).toBe(202);
		expect(sent).toHaveLength(1);
		const pointer = sent[0] as { kind: string; ref: string; id: string; bytes: number };
		expect(pointer).toMatchObject({ kind: "stored", id: event.event_id });
		expect(pointer.bytes).toBeGreaterThan(128_000);
		expect(JSON.stringify(pointer).length).toBeLessThan(1000);
		expect(await env.PAYLOADS.head(pointer.ref)).not.toBeNull();

		const result = await deliver("webhook-events", asMessages(sent));
		expect(result.explicitAcks).toHaveLength(1);
		// Archived by reference: the line names the claim check, the payload is not copied.
		const { row, event: archived, line } = await archivedEvent(event.event_id);
		expect(row?.payload).toBe("");
		expect(line).toMatchObject({ id: event.event_id, ref: pointer.ref });
		expect(line).not.toHaveProperty("payload");
		expect(JSON.parse(archived?.payload ?? "null")).toEqual(event);
	});

	it("answers 503 and releases the claim when R2 refuses the payload, so the retry is accepted", async () => {
		const event = bigEvent();
		const refusing = { put: () => Promise.reject(new Error("r2 down")) } as unknown as R2Bucket;
		const failed = await fetchRecording(await signedRequest(event), { PAYLOADS: refusing });
		expect(failed.response.status).toBe(503);
		expect(failed.response.headers.get("retry-after")).toBe("5");
		expect(failed.sent).toEqual([]);
		const retry = await fetchRecording(await signedRequest(event));
		expect(retry.response.status).toBe(202);
	});

	it("dead-letters a pointer whose object is gone, naming the key, and keeps the pointer for replay", async () => {
		const event = bigEvent();
		const { sent } = await fetchRecording(await signedRequest(event));
		const pointer = sent[0] as { ref: string };
		await env.PAYLOADS.delete(pointer.ref);
		const dlq = recordingQueue(env.DEAD_LETTER_QUEUE);
		await deliver("webhook-events", asMessages(sent), { DEAD_LETTER_QUEUE: dlq.queue });
		expect(dlq.sent).toHaveLength(1);
		await deliver("webhook-events-dlq", asMessages(dlq.sent));
		const letter = await env.DB.prepare("SELECT error, message FROM dead_letters WHERE event_id = ?")
			.bind(event.event_id)
			.first<{ error: string; message: string }>();
		expect(letter?.error).toContain(pointer.ref);
		expect(JSON.parse(letter?.message ?? "null")).toMatchObject({ kind: "stored", ref: pointer.ref });
	});

	it("shows a large event's dead letter whole: the payload read back from R2 and the event's type; replay still reads the pointer", async () => {
		// Permanently invalid (a subscription without a plan), and over 128 KB.
		const event = validEvent("subscription_created", {
			metadata: { amount: 9, currency: "USD", interval: "month", notes: "é".repeat(150_000) },
		});
		const { sent } = await fetchRecording(await signedRequest(event));
		const pointer = sent[0] as { ref: string };
		const dlq = recordingQueue(env.DEAD_LETTER_QUEUE);
		await deliver("webhook-events", asMessages(sent), { DEAD_LETTER_QUEUE: dlq.queue });
		expect(dlq.sent).toHaveLength(1);
		await deliver("webhook-events-dlq", asMessages(dlq.sent));
		const { id } = (await env.DB.prepare("SELECT id FROM dead_letters WHERE event_id = ?").bind(event.event_id).first<{ id: number }>())!;
		const detail = await adminJson<{ event_type: string | null; payload: unknown }>(`/api/dead-letters/${id}`);
		expect(detail.event_type).toBe("subscription_created");
		expect(detail.payload).toEqual(event);
		const letter = await env.DB.prepare("SELECT message FROM dead_letters WHERE id = ?").bind(id).first<{ message: string }>();
		expect(JSON.parse(letter?.message ?? "null")).toMatchObject({ kind: "stored", ref: pointer.ref });
	});
});

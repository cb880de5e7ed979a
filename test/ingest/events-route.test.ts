import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardFor, shardName } from "../../src/idempotency/shard";
import worker from "../../src/index";
import { postSigned, signedRequest, validEvent } from "../support/builders";
import { withEventsQueue } from "../support/queue";

async function json(res: Response) {
	return (await res.json()) as Record<string, unknown>;
}

describe("POST /webhook/events", () => {
	it("accepts a new signed event with 202", async () => {
		const event = validEvent();
		const res = await postSigned(event);
		expect(res.status).toBe(202);
		expect(await json(res)).toEqual({ status: "accepted", event_id: event.event_id });
	});

	it("answers a sender retry with the same body as a duplicate, not a second accept", async () => {
		const event = validEvent();
		expect((await postSigned(event)).status).toBe(202);
		const retry = await postSigned(event);
		expect(retry.status).toBe(200);
		expect(await json(retry)).toMatchObject({ status: "duplicate", event_id: event.event_id });
	});

	it("treats the same content with other key order and whitespace as a duplicate", async () => {
		const event = validEvent();
		expect((await postSigned(event)).status).toBe(202);
		const reordered = JSON.stringify(Object.fromEntries(Object.entries(event).reverse()), null, 2);
		expect((await postSigned(reordered)).status).toBe(200);
	});

	it("answers 409 when the same event_id comes with a different body", async () => {
		const event = validEvent();
		expect((await postSigned(event)).status).toBe(202);
		const res = await postSigned({ ...event, metadata: { email: "changed@example.com" } });
		expect(res.status).toBe(409);
		expect(await json(res)).toMatchObject({ error: "idempotency_conflict", event_id: event.event_id });
	});

	it("lets exactly one of 30 concurrent copies through with 202", async () => {
		const event = validEvent();
		const responses = await Promise.all(Array.from({ length: 30 }, () => postSigned(event)));
		const statuses = responses.map((r) => r.status);
		expect(statuses.filter((s) => s === 202)).toHaveLength(1);
		// Never a 4xx: a copy still in flight is a 503 the sender retries.
		expect(statuses.every((s) => s === 202 || s === 200 || s === 503)).toBe(true);
		for (const res of responses.filter((r) => r.status === 503)) {
			expect(res.headers.get("retry-after")).toBe("1");
			expect(await json(res)).toMatchObject({ error: "in_flight" });
		}
	});

	it("answers 503 with Retry-After, not a 4xx a sender may drop, while another copy is still being enqueued", async () => {
		const event = validEvent();
		const shard = env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(shardName(shardFor(event.event_id, 16))));
		// Reproduce the window between claim and commit: claim without committing.
		const [bodyHash] = await runInDurableObject(shard, async (instance) => {
			const { eventHash } = await import("../../src/ingest/accept");
			const hash = await eventHash(event);
			await instance.claim([{ eventId: event.event_id, bodyHash: hash }], "other-request");
			return [hash];
		});
		expect(bodyHash).toMatch(/^[0-9a-f]{64}$/);
		const res = await postSigned(event);
		expect(res.status).toBe(503);
		expect(res.headers.get("retry-after")).toBe("1");
		expect(await json(res)).toMatchObject({ error: "in_flight", event_id: event.event_id });
	});

	it("answers 503 with Retry-After when the queue is down, and accepts the sender's retry", async () => {
		const event = validEvent();
		const brokenQueue = {
			send: () => Promise.reject(new Error("queue unavailable")),
			sendBatch: () => Promise.reject(new Error("queue unavailable")),
		} as unknown as Queue;
		const ctx = createExecutionContext();
		const res = await withEventsQueue(brokenQueue, async () => worker.fetch(await signedRequest(event), env, ctx));
		await waitOnExecutionContext(ctx);
		expect(res.status).toBe(503);
		expect(res.headers.get("retry-after")).toBe("5");
		expect(await json(res)).toMatchObject({ error: "queue_unavailable" });

		// The claim was released, so the retry is a fresh accept, not a duplicate.
		expect((await postSigned(event)).status).toBe(202);
	});

	it("answers 503 for the events of an idempotency shard that fails, while the other shards' events are queued; the retry is told duplicate for those", async () => {
		const events = Array.from({ length: 12 }, () => validEvent());
		const failing = shardFor(events[0]!.event_id, 16);
		const onFailing = events.filter((e) => shardFor(e.event_id, 16) === failing).length;
		const namespace = env.IDEMPOTENCY;
		const flaky = {
			idFromName: (name: string) => namespace.idFromName(name),
			get: (id: DurableObjectId) =>
				id.equals(namespace.idFromName(shardName(failing))) ? { accept: () => Promise.reject(new Error("shard down")) } : namespace.get(id),
		} as unknown as typeof namespace;
		const ctx = createExecutionContext();
		const res = await worker.fetch(await signedRequest({ events }, { path: "/webhook/batch" }), { ...env, IDEMPOTENCY: flaky }, ctx);
		await waitOnExecutionContext(ctx);
		expect(res.status).toBe(503);
		expect(res.headers.get("retry-after")).toBe("5");
		const body = (await json(res)) as { accepted: number; results: { event_id: string; error?: string }[] };
		expect(body.accepted).toBe(12 - onFailing);
		expect(body.results.filter((r) => r.error === "idempotency_unavailable")).toHaveLength(onFailing);
		// Nothing was left pending anywhere: the retry goes through whole.
		const retry = await postSigned({ events }, { path: "/webhook/batch" });
		expect(retry.status).toBe(202);
		expect(await json(retry)).toMatchObject({ accepted: onFailing, duplicates: 12 - onFailing });
	});

	it("refuses JSON nested deeper than 64 levels with 400 naming the limit, never a 5xx", async () => {
		const deep = `${"[".repeat(6000)}${"]".repeat(6000)}`;
		const body = `{"event_id":"evt_deep","event_type":"t","timestamp":"2026-11-27T10:00:00Z","metadata":{"x":${deep}}}`;
		const res = await postSigned(body);
		expect(res.status).toBe(400);
		expect(await json(res)).toMatchObject({ error: "json_too_deep", limit: 64 });
	});

	it("refuses numbers a double cannot hold exactly with 400, instead of storing them changed", async () => {
		for (const literal of ["9007199254740993", "1e400", "12345678901234567890.5"]) {
			const event = validEvent("usage_tracked");
			const body = JSON.stringify(event).replace('"quantity":5', `"quantity":${literal}`);
			const res = await postSigned(body);
			expect(res.status, literal).toBe(400);
			expect(await json(res)).toMatchObject({ error: "unsafe_number", path: "/metadata/quantity" });
		}
		const fine = JSON.stringify(validEvent("usage_tracked")).replace('"quantity":5', '"quantity":1e20');
		expect((await postSigned(fine)).status).toBe(202);
	});

	it("rejects a missing signature with 401", async () => {
		const res = await postSigned(validEvent(), { signature: null });
		expect(res.status).toBe(401);
		expect(await json(res)).toMatchObject({ error: "missing_signature" });
	});

	it("rejects a signature made with the wrong secret with 401", async () => {
		const res = await postSigned(validEvent(), { secret: "not-the-secret" });
		expect(res.status).toBe(401);
		expect(await json(res)).toMatchObject({ error: "invalid_signature" });
	});

	it("rejects a body changed after signing with 401", async () => {
		const event = validEvent();
		const request = await signedRequest(event);
		const tampered = new Request(request, { body: JSON.stringify({ ...event, user_id: "someone_else" }) });
		expect((await exports.default.fetch(tampered)).status).toBe(401);
	});

	it("rejects malformed JSON with 400 invalid_json", async () => {
		const res = await postSigned('{"event_id": "evt_1",');
		expect(res.status).toBe(400);
		expect(await json(res)).toMatchObject({ error: "invalid_json" });
	});

	it("rejects an envelope with 400 naming each bad field", async () => {
		const res = await postSigned({ ...validEvent(), event_id: "has space", timestamp: "2026-11-27 10:00" });
		expect(res.status).toBe(400);
		const body = await json(res);
		expect(body.error).toBe("validation_failed");
		expect((body.fields as { field: string }[]).map((f) => f.field).sort()).toEqual(["event_id", "timestamp"]);
	});

	it("rejects a body over the limit with 413", async () => {
		const res = await postSigned({ ...validEvent(), metadata: { blob: "x".repeat(1024 * 1024) } });
		expect(res.status).toBe(413);
		expect(await json(res)).toMatchObject({ error: "payload_too_large", limit_bytes: 1_048_576 });
	});

	// A signed body sent without Content-Length, in 64-byte chunks.
	const streamed = async (body: string, overrides: Partial<Env> = {}) => {
		const signed = await signedRequest(body);
		const bytes = new TextEncoder().encode(body);
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				for (let i = 0; i < bytes.length; i += 64) controller.enqueue(bytes.slice(i, i + 64));
				controller.close();
			},
		});
		const request = new Request(signed.url, { method: "POST", headers: signed.headers, body: stream });
		expect(request.headers.get("content-length")).toBeNull();
		const ctx = createExecutionContext();
		const res = await worker.fetch(request, { ...env, ...overrides }, ctx);
		await waitOnExecutionContext(ctx);
		return res;
	};

	it("reads a body sent without Content-Length as a stream: accepted under the limit, 413 as soon as it passes it", async () => {
		expect((await streamed(JSON.stringify(validEvent()))).status).toBe(202);
		const tooBig = await streamed(JSON.stringify(validEvent()), { MAX_BODY_BYTES: "200" });
		expect(tooBig.status).toBe(413);
		expect(await json(tooBig)).toMatchObject({ error: "payload_too_large", limit_bytes: 200 });
	});

	it("takes a body of exactly MAX_BODY_BYTES and refuses one byte more, with or without Content-Length", async () => {
		// Bodies of one length: only the (fixed-width) event id differs.
		const body = () =>
			JSON.stringify(
				validEvent("user_signup", {
					event_id: `evt_${crypto.randomUUID()}`,
					user_id: "user_limit",
					metadata: { email: "limit@example.com", plan: "free", source: "google" },
				}),
			);
		const size = new TextEncoder().encode(body()).byteLength;
		const at = { MAX_BODY_BYTES: String(size) };
		const under = { MAX_BODY_BYTES: String(size - 1) };
		expect((await streamed(body(), at)).status).toBe(202);
		expect((await streamed(body(), under)).status).toBe(413);
		const declared = async (overrides: Partial<Env>) => {
			const request = await signedRequest(body(), { headers: { "content-length": String(size) } });
			expect(request.headers.get("content-length")).toBe(String(size));
			const ctx = createExecutionContext();
			const res = await worker.fetch(request, { ...env, ...overrides }, ctx);
			await waitOnExecutionContext(ctx);
			return res;
		};
		expect((await declared(at)).status).toBe(202);
		expect(await json(await declared(under))).toMatchObject({ error: "payload_too_large", limit_bytes: size - 1 });
	});

	it("rejects a non-JSON content type with 415", async () => {
		const res = await postSigned(validEvent(), { contentType: "text/plain" });
		expect(res.status).toBe(415);
		expect(await json(res)).toMatchObject({ error: "unsupported_media_type" });
	});

	it("rejects an invalid source name with 400", async () => {
		const res = await postSigned(validEvent(), { headers: { "x-webhook-source": "no spaces allowed" } });
		expect(res.status).toBe(400);
		expect(await json(res)).toMatchObject({ error: "invalid_source" });
	});

	it("answers other methods with 405 and unknown paths with 404, both JSON", async () => {
		const get = await exports.default.fetch("https://localhost/webhook/events");
		expect(get.status).toBe(405);
		expect(get.headers.get("allow")).toBe("POST");
		const missing = await exports.default.fetch("https://localhost/nope");
		expect(missing.status).toBe(404);
		expect(await json(missing)).toMatchObject({ error: "not_found" });
	});
});

describe("signing configuration", () => {
	async function fetchWith(overrides: Partial<Env>, request: Request) {
		const ctx = createExecutionContext();
		const res = await worker.fetch(request, { ...env, ...overrides }, ctx);
		await waitOnExecutionContext(ctx);
		return res;
	}

	it("refuses events with a clear 503 when WEBHOOK_SECRET is unset", async () => {
		const res = await fetchWith({ WEBHOOK_SECRET: "" }, await signedRequest(validEvent(), { signature: null }));
		expect(res.status).toBe(503);
		expect(await json(res)).toMatchObject({ error: "signing_not_configured" });
	});

	it("accepts unsigned events only when ALLOW_UNSIGNED is explicitly true", async () => {
		const res = await fetchWith({ WEBHOOK_SECRET: "", ALLOW_UNSIGNED: "true" }, await signedRequest(validEvent(), { signature: null }));
		expect(res.status).toBe(202);
	});

	it("honours a configured MAX_BODY_BYTES", async () => {
		const res = await fetchWith({ MAX_BODY_BYTES: "200" }, await signedRequest(validEvent()));
		expect(res.status).toBe(413);
	});
});

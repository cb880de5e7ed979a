import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { admin, adminJson } from "../admin/helpers";
import { validEvent } from "../support/builders";
import { asMessages, deliver } from "../support/queue";
import { attemptRows, createDestination, DELIVERIES, deliveryRows, runDeliveries, storeEvents, uniqueSource } from "./helpers";

// The deliveries consumer against real local D1 and a real refused
// connection (nothing listens on 127.0.0.1:1): classification, retries, the
// breaker, pausing and disabling. Real receivers are in test/e2e/forwarding.

async function oneDelivery(destination: Record<string, unknown> = {}) {
	const source = uniqueSource();
	const created = await createDestination({ event_types: ["*"], sources: [source], ...destination });
	await storeEvents([validEvent("user_signup")], source);
	const [row] = await deliveryRows("source = ?", source);
	return { destination: created, id: row!.id as string, source };
}

const deliverMessage = (delivery_id: string) => ({ kind: "deliver" as const, delivery_id });

describe("deliveries consumer", () => {
	it("records a refused connection as a retried attempt and retries the message with backoff", async () => {
		const { id, destination } = await oneDelivery({ max_attempts: 3 });
		const result = await runDeliveries([deliverMessage(id)]);

		const [attempt] = await attemptRows(id);
		expect(attempt).toMatchObject({
			attempt: 1,
			outcome: "retry",
			http_status: null,
			destination_id: destination.id,
			response_snippet: null,
		});
		expect(String(attempt!.error)).toMatch(/^network_error: /);
		expect(result.retryMessages).toHaveLength(1);
		// Default backoff: the first retry comes within 5 s.
		const delay = Object.values(result.retryDelays)[0]!;
		expect(delay).toBeGreaterThanOrEqual(1);
		expect(delay).toBeLessThanOrEqual(5);
		const [row] = await deliveryRows("id = ?", id);
		expect(row).toMatchObject({ status: "pending", attempts: 1, lease_until: null });
		expect(Number(row!.next_attempt_at)).toBeGreaterThan(Date.now());
	});

	it("fails the delivery on its last attempt, lists it as failed and replays it once", async () => {
		const { id, destination } = await oneDelivery({ max_attempts: 1 });
		const result = await runDeliveries([deliverMessage(id)]);
		expect(result.retryMessages).toEqual([]);
		expect(result.explicitAcks).toHaveLength(1);
		const [row] = await deliveryRows("id = ?", id);
		expect(row).toMatchObject({
			status: "failed",
			attempts: 1,
			last_error: expect.stringMatching(/network_error.*\(attempts exhausted\)$/),
		});

		const failed = await adminJson<{ data: { id: string }[] }>(`/api/deliveries?status=failed&destination=${destination.id}`);
		expect(failed.data.map((d) => d.id)).toEqual([id]);
		const replayed = await adminJson(`/api/deliveries/${id}/replay`, { method: "POST" });
		expect(replayed).toMatchObject({ id, status: "pending", attempts: 0 });
		const again = await admin(`/api/deliveries/${id}/replay`, { method: "POST" });
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ error: "delivery_not_failed" });
	});

	it("does nothing for a message whose delivery is already settled", async () => {
		const { id } = await oneDelivery({ max_attempts: 1 });
		await runDeliveries([deliverMessage(id)]);
		const redelivered = await runDeliveries([deliverMessage(id)], 2);
		expect(redelivered.explicitAcks).toHaveLength(1);
		expect(await attemptRows(id)).toHaveLength(1);
	});

	it("attempts a delivery once when two consumers get its message at the same time", async () => {
		const { id } = await oneDelivery();
		const [a, b] = await Promise.all([runDeliveries([deliverMessage(id)]), runDeliveries([deliverMessage(id)])]);
		expect(await attemptRows(id)).toHaveLength(1);
		// One retried it after its attempt; the other found it taken and let go.
		expect([a.retryMessages.length, b.retryMessages.length].sort()).toEqual([0, 1]);
	});

	it("leaves a delivery another consumer has claimed alone until its lease ends", async () => {
		const { id } = await oneDelivery();
		const leaseUntil = Date.now() + 30_000;
		await env.DB.prepare("UPDATE deliveries SET status = 'delivering', lease_until = ? WHERE id = ?").bind(leaseUntil, id).run();
		const result = await runDeliveries([deliverMessage(id)]);
		expect(result.retryMessages).toHaveLength(1);
		expect(Object.values(result.retryDelays)[0]).toBeGreaterThanOrEqual(29);
		expect(await attemptRows(id)).toHaveLength(0);
	});

	it("opens the breaker after consecutive failures, holds later deliveries and schedules a probe", async () => {
		const source = uniqueSource();
		const created = await createDestination({ event_types: ["*"], sources: [source] });
		await storeEvents([validEvent("user_signup"), validEvent("user_signup"), validEvent("usage_tracked")], source);
		const ids = (await deliveryRows("source = ?", source)).map((r) => r.id as string);

		const first = await runDeliveries(ids.slice(0, 2).map(deliverMessage), 1, { BREAKER_FAILURE_THRESHOLD: "2" });
		const probe = first.sent.find((m) => m.body.kind === "probe");
		expect(probe?.body).toEqual({ kind: "probe", destination_id: created.id });
		expect(probe?.delaySeconds).toBe(60);
		const view = await adminJson(`/api/destinations/${created.id}`);
		expect(view).toMatchObject({ paused: "breaker", breaker: { status: "open", consecutive_failures: 2 } });

		const held = await runDeliveries([deliverMessage(ids[2]!)], 1, { BREAKER_FAILURE_THRESHOLD: "2" });
		expect(held.explicitAcks).toHaveLength(1);
		expect(await attemptRows(ids[2]!)).toHaveLength(0);
		expect((await deliveryRows("id = ?", ids[2]))[0]).toMatchObject({
			status: "held",
			last_error: expect.stringContaining("breaker open"),
		});

		const metrics = await (await admin("/metrics")).text();
		expect(metrics).toContain(`webhook_destination_paused{destination="${created.id}",reason="breaker"} 1`);
		expect(metrics).toContain(`webhook_destination_deliveries_total{destination="${created.id}",outcome="retry"} 2`);
	});

	it("holds deliveries while paused by hand and sends them once resumed", async () => {
		const { id, destination } = await oneDelivery();
		await adminJson(`/api/destinations/${destination.id}/pause`, { method: "POST" });
		await runDeliveries([deliverMessage(id)]);
		expect((await deliveryRows("id = ?", id))[0]).toMatchObject({
			status: "held",
			last_error: expect.stringContaining("paused by an operator"),
		});
		expect(await attemptRows(id)).toHaveLength(0);

		// Resume queues a release on the real local queue; its consumer sends it.
		await adminJson(`/api/destinations/${destination.id}/resume`, { method: "POST" });
		await vi.waitUntil(async () => (await attemptRows(id)).length > 0, { timeout: 15_000, interval: 200 });
		expect((await attemptRows(id))[0]).toMatchObject({ attempt: 1, outcome: "retry" });
	});

	it("fails a disabled destination's deliveries without an attempt", async () => {
		const { id, destination } = await oneDelivery();
		await adminJson(`/api/destinations/${destination.id}`, { method: "PATCH", body: JSON.stringify({ enabled: false }) });
		await runDeliveries([deliverMessage(id)]);
		expect((await deliveryRows("id = ?", id))[0]).toMatchObject({ status: "failed", last_error: "destination disabled (operator)" });
		expect(await attemptRows(id)).toHaveLength(0);
	});

	it("records a delivery whose message ran out of queue retries as failed", async () => {
		const { id } = await oneDelivery();
		const result = await deliver(`${DELIVERIES}-dlq`, asMessages([deliverMessage(id)]));
		expect(result.explicitAcks).toHaveLength(1);
		expect((await deliveryRows("id = ?", id))[0]).toMatchObject({
			status: "failed",
			last_error: expect.stringContaining("queue retries exhausted"),
		});
	});
});

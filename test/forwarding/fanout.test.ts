import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sweepDeliveries } from "../../src/forwarding/sweep";
import { webhookId } from "../../src/shared/standard-webhooks";
import { queueMessage, validEvent } from "../support/builders";
import { asMessages, deliver } from "../support/queue";
import { capturingQueue, createDestination, deliveryRows, EVENTS, storeEvents, uniqueSource } from "./helpers";

describe("fan-out after the main consumer writes a batch", () => {
	it("queues one delivery per matching enabled destination, for processed events only", async () => {
		const source = uniqueSource();
		const signups = await createDestination({ event_types: ["user_*"], sources: [source] });
		const everything = await createDestination({ event_types: ["*"], sources: [source] });
		const off = await createDestination({ event_types: ["*"], sources: [source], enabled: false });
		const elsewhere = await createDestination({ event_types: ["*"], sources: ["some-other-source"] });

		const signup = validEvent("user_signup");
		const usage = validEvent("usage_tracked");
		const unhandled = validEvent("invoice_paid");
		const poison = validEvent("usage_tracked", { metadata: { quantity: -1 } });
		const sent = await storeEvents([signup, usage, unhandled, poison], source);

		const expected = [
			await webhookId(signup.event_id, signups.id),
			await webhookId(signup.event_id, everything.id),
			await webhookId(usage.event_id, everything.id),
		].sort();
		expect(sent.map((m) => m.body).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
			expected.map((delivery_id) => ({ kind: "deliver", delivery_id })),
		);
		const rows = await deliveryRows("source = ?", source);
		expect(rows.map((r) => r.id).sort()).toEqual(expected);
		expect(rows.every((r) => r.status === "pending" && r.attempts === 0)).toBe(true);
		expect(rows.some((r) => r.destination_id === off.id || r.destination_id === elsewhere.id)).toBe(false);
	});

	it("creates no second delivery when the same batch is delivered again", async () => {
		const source = uniqueSource();
		await createDestination({ event_types: ["*"], sources: [source] });
		const events = [validEvent("user_signup"), validEvent("usage_tracked")];
		expect(await storeEvents(events, source)).toHaveLength(2);
		expect(await storeEvents(events, source)).toHaveLength(0);
		expect(await deliveryRows("source = ?", source)).toHaveLength(2);
	});

	it("stores the events even when the deliveries queue refuses, and the sweep queues those deliveries later", async () => {
		const source = uniqueSource();
		await createDestination({ event_types: ["*"], sources: [source] });
		const down = {
			send: () => Promise.reject(new Error("queue unavailable")),
			sendBatch: () => Promise.reject(new Error("queue unavailable")),
		} as unknown as Queue;
		const event = validEvent("user_signup");
		const result = await deliver(EVENTS, asMessages([{ ...queueMessage(event), source }]), { DELIVERIES_QUEUE: down });
		expect(result.explicitAcks).toHaveLength(1);
		expect(await env.DB.prepare("SELECT status FROM events WHERE event_id = ?").bind(event.event_id).first("status")).toBe("processed");
		const [row] = await deliveryRows("source = ?", source);
		expect(row).toMatchObject({ status: "pending" });

		// Not yet: the sweep leaves anything younger than its grace alone.
		const early = capturingQueue();
		await sweepDeliveries({ ...env, DELIVERIES_QUEUE: early.queue }, Date.now());
		expect(early.sent.map((m) => m.body)).not.toContainEqual({ kind: "deliver", delivery_id: row!.id });
		const later = capturingQueue();
		const swept = await sweepDeliveries({ ...env, DELIVERIES_QUEUE: later.queue }, Date.now() + 6 * 60_000);
		expect(swept.requeued).toBeGreaterThanOrEqual(1);
		expect(later.sent.map((m) => m.body)).toContainEqual({ kind: "deliver", delivery_id: row!.id });
	});

	it("retries the message instead of acking it when its deliveries cannot be recorded, and forwards it on the retry", async () => {
		const source = uniqueSource();
		await createDestination({ event_types: ["*"], sources: [source] });
		const event = validEvent("user_signup");
		const message = { ...queueMessage(event), source };
		const trigger = `refuse_deliveries_${crypto.randomUUID().replace(/-/g, "")}`;
		await env.DB.exec(`CREATE TRIGGER ${trigger} BEFORE INSERT ON deliveries BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;`);
		let first: Awaited<ReturnType<typeof deliver>>;
		try {
			first = await deliver(EVENTS, asMessages([message]));
		} finally {
			await env.DB.exec(`DROP TRIGGER ${trigger}`);
		}
		// Stored, but not acked: forwarding for it is not recorded yet.
		expect(first.explicitAcks).toEqual([]);
		expect(first.retryMessages).toHaveLength(1);
		expect(await env.DB.prepare("SELECT status FROM events WHERE event_id = ?").bind(event.event_id).first("status")).toBe("processed");
		expect(await deliveryRows("source = ?", source)).toHaveLength(0);

		const second = await deliver(EVENTS, asMessages([message], 2));
		expect(second.explicitAcks).toHaveLength(1);
		expect(await deliveryRows("source = ?", source)).toHaveLength(1);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM events WHERE event_id = ?").bind(event.event_id).first("n")).toBe(1);
	});
});

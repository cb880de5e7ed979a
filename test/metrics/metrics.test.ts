import { describe, expect, it, vi } from "vitest";
import { admin, deadLetter, ingest, processEvents } from "../admin/helpers";
import { signedRequest, validEvent } from "../support/builders";

// "name{labels}" → value, from the Prometheus text format.
function parse(text: string): Map<string, number> {
	const samples = new Map<string, number>();
	for (const line of text.split("\n")) {
		if (!line || line.startsWith("#")) continue;
		const at = line.lastIndexOf(" ");
		samples.set(line.slice(0, at), Number(line.slice(at + 1)));
	}
	return samples;
}

async function scrape() {
	const res = await admin("/metrics");
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
	return parse(await res.text());
}

const value = (m: Map<string, number>, key: string) => m.get(key) ?? 0;

describe("GET /metrics", () => {
	it("counts ingest outcomes from durable state: accepted, duplicates, rejected by reason, ack latency", async () => {
		const before = await scrape();
		const event = validEvent("usage_tracked");
		expect(await ingest(await signedRequest(event))).toBe(202);
		expect(await ingest(await signedRequest(event))).toBe(200);
		expect(await ingest(await signedRequest(validEvent(), { signature: "sha256=00" }))).toBe(401);
		expect(await ingest(await signedRequest({ event_id: "only-an-id" }))).toBe(400);
		const batch = { events: [validEvent(), validEvent(), { event_id: "bad" }] };
		// The valid two are accepted; the invalid one makes the answer a 400.
		expect(await ingest(await signedRequest(batch, { path: "/webhook/batch" }))).toBe(400);

		const after = await scrape();
		const delta = (key: string) => value(after, key) - value(before, key);
		expect(delta("webhook_events_accepted_total")).toBe(3);
		expect(delta("webhook_events_duplicates_total")).toBe(1);
		expect(delta('webhook_events_rejected_total{reason="invalid_signature"}')).toBe(1);
		expect(delta('webhook_events_rejected_total{reason="validation_failed"}')).toBe(2);
		expect(delta("webhook_events_received_total")).toBe(7);
		expect(delta("webhook_ack_latency_seconds_count")).toBe(5);
		expect(delta('webhook_ack_latency_seconds_bucket{le="+Inf"}')).toBe(5);
	});

	it("counts processing from D1: processed, unhandled, retried, dead-lettered, e2e latency, dead letters by status", async () => {
		const before = await scrape();
		// The clock stands still while the consumer runs (only Date is faked), so
		// the latency is exactly 0.7 s however slow the machine.
		vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
		try {
			await processEvents([validEvent("user_signup"), validEvent("no_handler_type")], 1, Date.now() - 700);
		} finally {
			vi.useRealTimers();
		}
		await processEvents([validEvent("usage_tracked", { metadata: { feature: "x", quantity: -1 } })]);
		await deadLetter(validEvent("usage_tracked"), "boom");

		const after = await scrape();
		const delta = (key: string) => value(after, key) - value(before, key);
		expect(delta("webhook_events_processed_total")).toBe(1);
		expect(delta("webhook_events_unhandled_total")).toBe(1);
		expect(delta("webhook_events_dead_lettered_total")).toBe(1);
		expect(delta('webhook_dead_letters{status="open"}')).toBe(1);
		expect(delta("webhook_end_to_end_latency_seconds_count")).toBe(2);
		// Both took 0.7 s: above the 0.5 s bucket, inside the 1 s one.
		expect(delta('webhook_end_to_end_latency_seconds_bucket{le="0.5"}')).toBe(0);
		expect(delta('webhook_end_to_end_latency_seconds_bucket{le="1"}')).toBe(2);
		expect(delta("webhook_end_to_end_latency_seconds_sum")).toBeCloseTo(1.4, 3);
	});

	it("has every documented family", async () => {
		const text = await (await admin("/metrics")).text();
		for (const family of [
			"webhook_events_received_total counter",
			"webhook_events_accepted_total counter",
			"webhook_events_duplicates_total counter",
			"webhook_events_rejected_total counter",
			"webhook_events_processed_total counter",
			"webhook_events_retried_total counter",
			"webhook_events_redelivered_total counter",
			"webhook_events_dead_lettered_total counter",
			"webhook_backlog_events gauge",
			"webhook_ack_latency_seconds histogram",
			"webhook_end_to_end_latency_seconds histogram",
		]) {
			expect(text).toContain(`# TYPE ${family}`);
		}
	});
});

// /metrics counts come from durable state (D1 and Durable Objects), so they
// survive a restart of the local stack: stop `wrangler dev`, start it again on
// the same state directory, and every counter reads the same.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import { signBody } from "../../src/shared/crypto";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";

const SECRET = DEV_SECRETS.WEBHOOK_SECRET;
const ADMIN_TOKEN = DEV_SECRETS.ADMIN_TOKEN;
const persistDir = mkdtempSync(path.join(tmpdir(), "metrics-restart-"));
let stack: LocalStack | undefined;

afterAll(async () => {
	await stack?.stop();
	rmSync(persistDir, { recursive: true, force: true });
});

async function post(payload: unknown, signature?: string): Promise<number> {
	const body = JSON.stringify(payload);
	const res = await fetch(`${stack!.url}/webhook/events`, {
		method: "POST",
		headers: { "content-type": "application/json", "x-webhook-signature": signature ?? `sha256=${await signBody(SECRET, body)}` },
		body,
	});
	await res.body?.cancel();
	return res.status;
}

async function metrics(): Promise<Map<string, number>> {
	const res = await fetch(`${stack!.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
	expect(res.status).toBe(200);
	const samples = new Map<string, number>();
	for (const line of (await res.text()).split("\n")) {
		if (!line || line.startsWith("#")) continue;
		const at = line.lastIndexOf(" ");
		samples.set(line.slice(0, at), Number(line.slice(at + 1)));
	}
	return samples;
}

async function until(check: (m: Map<string, number>) => boolean, timeoutMs = 30_000): Promise<Map<string, number>> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const m = await metrics();
		if (check(m)) return m;
		if (Date.now() > deadline) throw new Error(`metrics never settled:\n${[...m].map(([k, v]) => `${k} ${v}`).join("\n")}`);
		await new Promise((r) => setTimeout(r, 300));
	}
}

const event = (i: number, type = i % 2 ? "usage_tracked" : "user_signup") => ({
	event_id: `restart_${i}`,
	event_type: type,
	timestamp: new Date(Date.UTC(2026, 10, 27, 12, 0, i)).toISOString(),
	user_id: `user_${i}`,
	metadata: type === "usage_tracked" ? { feature: "api", quantity: 1 } : { email: `u${i}@example.com` },
});

const COUNTERS = [
	"webhook_events_received_total",
	"webhook_events_accepted_total",
	"webhook_events_duplicates_total",
	'webhook_events_rejected_total{reason="invalid_signature"}',
	'webhook_events_rejected_total{reason="validation_failed"}',
	"webhook_events_processed_total",
	"webhook_ack_latency_seconds_count",
	"webhook_end_to_end_latency_seconds_count",
	"webhook_end_to_end_latency_seconds_sum",
	"webhook_backlog_events",
];

describe("metrics across a restart of the local stack", () => {
	it("reads the same counters after wrangler dev restarts on the same state", async () => {
		stack = await startLocalStack({ persistDir });
		const statuses = [];
		for (let i = 0; i < 6; i++) statuses.push(await post(event(i)));
		statuses.push(await post(event(0)));
		statuses.push(await post(event(99), `sha256=${"0".repeat(64)}`));
		statuses.push(await post({ event_id: "missing-fields" }));
		expect(statuses).toEqual([202, 202, 202, 202, 202, 202, 200, 401, 400]);

		const before = await until(
			(m) =>
				m.get("webhook_events_processed_total") === 6 &&
				m.get("webhook_ack_latency_seconds_count") === 9 &&
				m.get("webhook_backlog_events") === 0,
		);
		expect(before.get("webhook_events_received_total")).toBe(9);
		expect(before.get("webhook_events_accepted_total")).toBe(6);
		expect(before.get("webhook_events_duplicates_total")).toBe(1);
		expect(before.get('webhook_events_rejected_total{reason="invalid_signature"}')).toBe(1);
		expect(before.get('webhook_events_rejected_total{reason="validation_failed"}')).toBe(1);
		expect(before.get("webhook_end_to_end_latency_seconds_count")).toBe(6);

		await stack.stop();
		stack = await startLocalStack({ persistDir });
		const after = await metrics();
		for (const name of COUNTERS) expect(after.get(name), name).toBe(before.get(name));

		// And they keep counting from there, not from zero.
		expect(await post(event(6))).toBe(202);
		const next = await until((m) => m.get("webhook_events_processed_total") === 7 && m.get("webhook_ack_latency_seconds_count") === 10);
		expect(next.get("webhook_events_accepted_total")).toBe(7);
		expect(next.get("webhook_events_received_total")).toBe(10);
	});
});

// End to end against the real local stack over HTTP: signed events in,
// rows in D1 out, each accepted event exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import { signBody } from "../../src/shared/crypto";

const SECRET = "dev-webhook-secret-do-not-use-in-production";
const ADMIN_TOKEN = "dev-admin-token-do-not-use-in-production";
let stack: LocalStack;

beforeAll(async () => {
	stack = await startLocalStack();
});

afterAll(async () => {
	await stack?.stop();
});

async function post(path: string, payload: unknown): Promise<Response> {
	const body = JSON.stringify(payload);
	return fetch(`${stack.url}${path}`, {
		method: "POST",
		headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${await signBody(SECRET, body)}` },
		body,
	});
}

function event(i: number, type = ["user_signup", "subscription_created", "usage_tracked"][i % 3]!) {
	const metadata =
		type === "user_signup"
			? { email: `user${i}@example.com`, plan: "free" }
			: type === "subscription_created"
				? { plan: "pro", amount: 29, currency: "USD", interval: "month" }
				: { feature: "api_calls", quantity: 3 };
	return {
		event_id: `e2e_${i}`,
		event_type: type,
		timestamp: new Date(Date.UTC(2026, 10, 27, 10, 0, i)).toISOString(),
		user_id: `user_${i % 7}`,
		metadata,
	};
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error("timed out waiting");
		await new Promise((r) => setTimeout(r, 300));
	}
}

describe("local stack over HTTP", () => {
	it("lands every accepted event in D1 exactly once, with sender retries answered duplicate", async () => {
		const singles = await Promise.all(Array.from({ length: 30 }, (_, i) => post("/webhook/events", event(i))));
		expect(singles.map((r) => r.status)).toEqual(new Array(30).fill(202));

		// Sender retries of the first ten: duplicates, never processed twice.
		const retries = await Promise.all(Array.from({ length: 10 }, (_, i) => post("/webhook/events", event(i))));
		expect(retries.map((r) => r.status)).toEqual(new Array(10).fill(200));

		// One invalid event makes the answer a 400; the valid ones are accepted.
		const batch = await post("/webhook/batch", { events: [event(30), event(31), event(0), { event_id: "bad" }] });
		expect(batch.status).toBe(400);
		expect(await batch.json()).toMatchObject({ accepted: 2, duplicates: 1, rejected: 1 });

		const rows = await waitFor(async () => {
			const found = await stack.query<{ event_id: string; n: number }>(
				"SELECT event_id, count(*) AS n FROM events WHERE event_id LIKE 'e2e_%' GROUP BY event_id",
			);
			return found.length >= 32 ? found : undefined;
		});
		expect(rows).toHaveLength(32);
		expect(rows.every((r) => r.n === 1)).toBe(true);

		const [latency] = await stack.query<{ max: number }>("SELECT max(latency_ms) AS max FROM events");
		expect(latency!.max).toBeLessThan(5_000);
		const [users] = await stack.query<{ n: number }>("SELECT count(*) AS n FROM users");
		expect(users!.n).toBeGreaterThan(0);

		const health = (await (await fetch(`${stack.url}/api/health`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as {
			events: Record<string, number>;
		};
		expect(health.events).toMatchObject({ accepted: 32, processed: 32, backlog: 0 });
	});

	it("dead-letters a poison event with its reason instead of dropping it", async () => {
		const res = await post("/webhook/events", { ...event(100, "usage_tracked"), metadata: { quantity: -5 } });
		expect(res.status).toBe(202);
		const [row] = await waitFor(async () => {
			const found = await stack.query<{ event_id: string; error: string }>(
				"SELECT event_id, error FROM dead_letters WHERE event_id = 'e2e_100'",
			);
			return found.length ? found : undefined;
		});
		expect(row!.error).toMatch(/metadata\.quantity/);
	});

	it("answers bad input with precise status codes and JSON errors", async () => {
		const unsigned = await fetch(`${stack.url}/webhook/events`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(event(200)),
		});
		expect(unsigned.status).toBe(401);
		expect(await unsigned.json()).toMatchObject({ error: "missing_signature" });
		const wrongType = await fetch(`${stack.url}/webhook/events`, { method: "POST", headers: { "content-type": "text/plain" }, body: "hi" });
		expect(wrongType.status).toBe(415);
		expect((await post("/webhook/events", { event_id: "x" })).status).toBe(400);
	});
});

// End to end against the real local stack over HTTP: signed events in,
// rows in D1 out, each accepted event exactly once.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import { signBody } from "../../src/shared/crypto";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";

const SECRET = DEV_SECRETS.WEBHOOK_SECRET;
const ADMIN_TOKEN = DEV_SECRETS.ADMIN_TOKEN;
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

// The README's dev secrets, as a copied .dev.vars would carry them into a
// deployment: honoured for a loopback host, refused for any other Host.
function sendAs(host: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
	const target = new URL(path, stack.url);
	return new Promise<{ status: number; retryAfter?: string; body: string }>((resolve, reject) => {
		const req = httpRequest(
			{ host: target.hostname, port: target.port, path: target.pathname, method: init.method ?? "GET", headers: { ...init.headers, host } },
			(res) => {
				let body = "";
				res.on("data", (d) => {
					body += d;
				});
				res.on("end", () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers["retry-after"] as string | undefined, body }));
			},
		);
		req.on("error", reject);
		req.end(init.body);
	});
}

describe("the dev secrets on a non-local host", () => {
	it("a signed event gets 202 on localhost, and 503 insecure_secret with Retry-After as hooks.example.com", async () => {
		const signed = async (id: string) => {
			const body = JSON.stringify(event(9_000 + Number(id)));
			return {
				method: "POST",
				headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${await signBody(SECRET, body)}` },
				body,
			};
		};
		expect((await sendAs(`localhost:${new URL(stack.url).port}`, "/webhook/events", await signed("1"))).status).toBe(202);
		const away = await sendAs("hooks.example.com", "/webhook/events", await signed("2"));
		expect(away.status).toBe(503);
		expect(Number(away.retryAfter)).toBeGreaterThan(0);
		expect(JSON.parse(away.body)).toMatchObject({ error: "insecure_secret" });
	});

	it("the admin API with the dev token is not 200 as hooks.example.com", async () => {
		const headers = { authorization: `Bearer ${ADMIN_TOKEN}` };
		expect((await sendAs("127.0.0.1", "/api/stats", { headers })).status).toBe(200);
		const away = await sendAs("hooks.example.com", "/api/stats", { headers });
		expect(away.status).toBe(503);
		expect(away.retryAfter).toBeTruthy();
	});
});

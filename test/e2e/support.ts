// Helpers for the e2e suites: a real HTTP receiver on
// 127.0.0.1 (a Node server, as a destination or a Slack webhook would be),
// admin calls and signed events against the local stack, and polling.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { signBody } from "../../src/shared/crypto";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";

export const WEBHOOK_SECRET = DEV_SECRETS.WEBHOOK_SECRET;
export const ADMIN_TOKEN = DEV_SECRETS.ADMIN_TOKEN;

export interface Received {
	path: string;
	headers: Record<string, string>;
	body: string;
	at: number;
	// What the receiver answered.
	status: number;
}

export interface Reply {
	status: number;
	headers?: Record<string, string>;
	body?: string;
}

export interface Receiver {
	url: string;
	received: Received[];
	// Requests to one path, in arrival order.
	on(path: string): Received[];
	close(): Promise<void>;
}

const headersOf = (req: IncomingMessage) =>
	Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));

// `respond` decides each answer; it sees the request and the ones before it.
export async function startReceiver(respond: (request: Omit<Received, "status">, earlier: Received[]) => Reply): Promise<Receiver> {
	const received: Received[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (c: Buffer) => chunks.push(c));
		req.on("end", () => {
			const request = { path: req.url ?? "/", headers: headersOf(req), body: Buffer.concat(chunks).toString("utf8"), at: Date.now() };
			const reply = respond(request, [...received]);
			received.push({ ...request, status: reply.status });
			res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
			res.end(reply.body ?? JSON.stringify({ ok: reply.status < 300 }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		on: (path) => received.filter((r) => r.path === path),
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

export async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

export function adminApi(baseUrl: string) {
	return async <T = Record<string, unknown>>(
		path: string,
		init: { method?: string; body?: unknown } = {},
		expected?: number,
	): Promise<T> => {
		const res = await fetch(`${baseUrl}${path}`, {
			method: init.method ?? "GET",
			headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) },
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
		});
		const text = await res.text();
		if (expected !== undefined && res.status !== expected) throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${text}`);
		return (text ? JSON.parse(text) : null) as T;
	};
}

export async function postEvents(baseUrl: string, events: unknown[]): Promise<Response> {
	const body = JSON.stringify({ events });
	return fetch(`${baseUrl}/webhook/batch`, {
		method: "POST",
		headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${await signBody(WEBHOOK_SECRET, body)}` },
		body,
	});
}

let sequence = 0;
export function event(type: string, metadata: Record<string, unknown> | undefined, prefix = "e2e") {
	sequence += 1;
	return {
		event_id: `${prefix}_${Date.now()}_${sequence}`,
		event_type: type,
		timestamp: new Date().toISOString(),
		user_id: `user_${sequence}`,
		...(metadata ? { metadata } : {}),
	};
}

export const signup = (prefix?: string) => event("user_signup", { email: "ada@example.com", plan: "free", source: "google" }, prefix);
export const usage = (prefix?: string) => event("usage_tracked", { feature: "api_calls", quantity: 3 }, prefix);
export const subscription = (prefix?: string) =>
	event("subscription_created", { plan: "pro", amount: 29, currency: "USD", interval: "month" }, prefix);

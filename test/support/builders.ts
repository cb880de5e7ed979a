import { env, exports } from "cloudflare:workers";
import type { EventEnvelope, EventMessage } from "../../src/events/envelope";
import { signBody } from "../../src/shared/crypto";

let sequence = 0;

// A valid event of the given type; tests break one thing at a time.
export function validEvent(type = "user_signup", overrides: Partial<EventEnvelope> = {}): EventEnvelope {
	sequence += 1;
	const metadata: Record<string, Record<string, unknown>> = {
		user_signup: { email: `user${sequence}@example.com`, plan: "free", source: "google" },
		subscription_created: { plan: "pro", amount: 29, currency: "USD", interval: "month" },
		usage_tracked: { feature: "api_calls", quantity: 5 },
	};
	return {
		event_id: `evt_${crypto.randomUUID()}`,
		event_type: type,
		timestamp: "2026-11-27T10:00:00.000Z",
		user_id: `user_${sequence}`,
		metadata: metadata[type] ?? { note: "no handler for this type" },
		...overrides,
	};
}

export interface SignedRequestOptions {
	path?: string;
	secret?: string;
	signature?: string | null;
	contentType?: string;
	headers?: Record<string, string>;
}

// A request signed over exactly the bytes it carries.
export async function signedRequest(body: unknown, options: SignedRequestOptions = {}): Promise<Request> {
	const raw = typeof body === "string" ? body : JSON.stringify(body);
	const signature =
		options.signature === undefined ? `sha256=${await signBody(options.secret ?? env.WEBHOOK_SECRET, raw)}` : options.signature;
	const headers: Record<string, string> = { "content-type": options.contentType ?? "application/json", ...options.headers };
	if (signature !== null) headers["x-webhook-signature"] = signature;
	return new Request(`https://localhost${options.path ?? "/webhook/events"}`, { method: "POST", headers, body: raw });
}

export async function postSigned(body: unknown, options: SignedRequestOptions = {}): Promise<Response> {
	return exports.default.fetch(await signedRequest(body, options));
}

// Received 100 ms ago, so processing shows a real end-to-end latency.
export function queueMessage(event: EventEnvelope, receivedAt = Date.now() - 100): EventMessage {
	return { event, received_at: receivedAt, source: "test" };
}

export async function countRows(sql: string, ...params: unknown[]): Promise<number> {
	const row = await env.DB.prepare(sql)
		.bind(...params)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

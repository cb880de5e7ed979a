import type { ArchivedEvent } from "../archive/line";
import { LOCATION_COLUMNS, type PayloadLocation, readPayloads } from "../archive/read";
import { type ForwardedEvent, payloadBody } from "../destinations/payload";
import type { OutboundAuth } from "../destinations/schema";
import { activeSecrets, signatureHeaders } from "../destinations/signing";
import { type PostResult, postJson } from "../shared/outbound";
import type { Destination } from "./store";

// One signed request to a destination: the body in its format, the Standard
// Webhooks headers (webhook-id is the delivery id, the same on every retry),
// and its outbound auth.

export const USER_AGENT = "webhook-pipeline (Standard Webhooks)";

export function authHeaders(auth: OutboundAuth): Record<string, string> {
	if (auth.type === "bearer") return { authorization: `Bearer ${auth.token}` };
	if (auth.type === "header") return { [auth.name]: auth.value };
	return {};
}

// Everything of a destination that must never be stored or logged.
export function credentialsOf(d: Pick<Destination, "auth" | "secrets">): string[] {
	const auth = d.auth.type === "bearer" ? [d.auth.token] : d.auth.type === "header" ? [d.auth.value] : [];
	return [...auth, ...d.secrets.map((s) => s.secret)];
}

export const forwardedEvent = (row: ArchivedEvent): ForwardedEvent => ({
	event: JSON.parse(row.payload),
	source: row.source,
	received_at: row.received_at,
});

// The events to forward, payloads read back through the archive
// (src/archive/read.ts): an event whose payload is gone is left out.
export async function storedEvents(db: D1Database, bucket: R2Bucket, ids: readonly string[]): Promise<Map<string, ForwardedEvent>> {
	const unique = [...new Set(ids)];
	if (unique.length === 0) return new Map();
	const { results } = await db
		.prepare(`SELECT ${LOCATION_COLUMNS} FROM events WHERE event_id IN (${unique.map(() => "?").join(", ")})`)
		.bind(...unique)
		.all<PayloadLocation>();
	const payloads = await readPayloads(bucket, results);
	return new Map([...payloads].map(([id, event]) => [id, forwardedEvent(event)]));
}

export async function sendDelivery(
	d: Destination,
	deliveryId: string,
	event: ForwardedEvent,
	now: number,
	timeoutMs: number,
): Promise<PostResult> {
	const body = payloadBody(d.format, event);
	const signed = await signatureHeaders({ id: deliveryId, timestamp: Math.floor(now / 1000), body }, activeSecrets(d.secrets, now));
	return postJson({
		url: d.url,
		body,
		headers: { "content-type": "application/json", "user-agent": USER_AGENT, ...signed, ...authHeaders(d.auth) },
		timeoutMs,
		redact: credentialsOf(d),
	});
}

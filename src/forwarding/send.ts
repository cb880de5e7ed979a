import { LOCATION_COLUMNS, type PayloadLocation, readPayloads } from "../archive/read";
import { CONTENT_TYPE_HEADER, type DeliveryMessage } from "../events/envelope";
import type { EventRow } from "../shared/event-row";
import { type PostResult, postJson } from "../shared/outbound";
import { activeSecrets, signatureHeaders } from "../shared/standard-webhooks";
import { canonicalEvent } from "../sources/canonical";
import type { Source } from "../sources/config";
import { type ForwardedEvent, type OutboundBody, outboundBody } from "./core/payload";
import type { OutboundAuth, PayloadFormat } from "./core/schema";
import type { Destination } from "./store";

// One signed request to a destination: the body in its format (built by the
// caller, which fails a delivery whose body cannot be built), the Standard
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

// What forwarding reads of a stored event: enough to rebuild the canonical
// envelope and to send the sender's own bytes.
export type StoredEventRow = Pick<
	EventRow,
	"event_id" | "source" | "received_at" | "occurred_at" | "payload" | "provider_event_id" | "provider_type" | "headers"
>;

// A direct event was stored as its envelope: that is its canonical event
// and its raw body. A provider delivery was stored as the provider sent it:
// its source's mapping gives the canonical event again (the same pure
// function the consumer derived its rows with), or null for a type with no
// mapping. Throws when the stored row cannot be read that way (a source
// removed from SOURCES, a mapping that no longer fits): the caller fails
// that one delivery with the reason. `raw` needs no canonical event, so it
// is sent whatever the mapping says.
export function deliveryBody(format: PayloadFormat, row: StoredEventRow, sources: () => readonly Source[]): OutboundBody {
	const direct = row.provider_event_id === null || row.provider_type === null;
	const headers: Record<string, string> = !direct && row.headers ? JSON.parse(row.headers) : {};
	const forwarded: ForwardedEvent = {
		event: format === "raw" ? null : direct ? JSON.parse(row.payload) : providerEvent(row, headers, sources()),
		source: row.source,
		received_at: row.received_at,
		raw: { body: row.payload, content_type: headers[CONTENT_TYPE_HEADER] ?? "application/json" },
	};
	return outboundBody(format, forwarded);
}

function providerEvent(row: StoredEventRow, headers: Record<string, string>, sources: readonly Source[]): ForwardedEvent["event"] {
	const message: DeliveryMessage = {
		kind: "delivery",
		source: row.source,
		received_at: row.received_at,
		delivery: { id: row.provider_event_id ?? "", type: row.provider_type ?? "", occurred_at: row.occurred_at, headers, body: row.payload },
	};
	const canonical = canonicalEvent(message, sources);
	return canonical && { ...canonical, provider_type: message.delivery.type };
}

// The events to forward, payloads and headers read back byte for byte
// through the archive (src/archive/read.ts, the one payload read): an event
// whose row or archived payload is gone is left out.
export async function storedEvents(db: D1Database, bucket: R2Bucket, ids: readonly string[]): Promise<Map<string, StoredEventRow>> {
	const unique = [...new Set(ids)];
	if (unique.length === 0) return new Map();
	const { results } = await db
		.prepare(`SELECT ${LOCATION_COLUMNS} FROM events WHERE event_id IN (${unique.map(() => "?").join(", ")})`)
		.bind(...unique)
		.all<PayloadLocation>();
	const archived = await readPayloads(bucket, results);
	return new Map(
		[...archived].map(([id, e]) => [
			id,
			{
				event_id: id,
				source: e.source,
				received_at: e.received_at,
				occurred_at: e.occurred_at,
				payload: e.payload,
				provider_event_id: e.provider_event_id,
				provider_type: e.provider_type,
				headers: e.headers === null ? null : JSON.stringify(e.headers),
			},
		]),
	);
}

export async function sendDelivery(
	d: Destination,
	deliveryId: string,
	{ body, contentType }: OutboundBody,
	now: number,
	timeoutMs: number,
): Promise<PostResult> {
	const signed = await signatureHeaders({ id: deliveryId, timestamp: Math.floor(now / 1000), body }, activeSecrets(d.secrets, now));
	return postJson({
		url: d.url,
		body,
		headers: { "content-type": contentType, "user-agent": USER_AGENT, ...signed, ...authHeaders(d.auth) },
		timeoutMs,
		redact: credentialsOf(d),
	});
}

import type { QueueMessage, StoredMessage } from "../events/envelope";
import { acceptOnShards } from "../idempotency/client";
import type { Outgoing } from "../idempotency/outbox";
import type { PipelineConfig } from "../shared/config";
import { sha256Hex } from "../shared/crypto";
import { logLine } from "../shared/log";
import { jsonByteLength, QUEUE_MAX_MESSAGE_BYTES, QUEUE_MESSAGE_OVERHEAD_BYTES } from "../shared/send-batch";
import type { EventOutcome } from "./status";

export type AcceptOutcome = Extract<
	EventOutcome,
	"accepted" | "duplicate" | "conflict" | "in_flight" | "queue_unavailable" | "idempotency_unavailable"
>;

// One event to accept: the key it is deduplicated under (the stored event
// id), the content hash its claim is made with, and the queue message.
export interface AcceptItem {
	key: string;
	bodyHash: string;
	message: QueueMessage;
	// A second idempotency key (see ClaimRequest.bodyKey), for provider
	// schemes that sign neither the event id nor a timestamp.
	bodyKey?: string;
}

export { eventHash } from "../events/hash";

// Where claim-checked messages live: payloads/<yyyy-mm-dd>/<sha256>.json,
// content-addressed, so a retried accept writes the same object again.
// Expired by an R2 lifecycle rule on the prefix (docs/operations.md).
export const PAYLOAD_PREFIX = "payloads/";

async function storeMessage(bucket: R2Bucket, item: AcceptItem, bytes: number): Promise<StoredMessage> {
	const text = JSON.stringify(item.message);
	const ref = `${PAYLOAD_PREFIX}${new Date(item.message.received_at).toISOString().slice(0, 10)}/${await sha256Hex(text)}.json`;
	await bucket.put(ref, text, { httpMetadata: { contentType: "application/json" }, customMetadata: { event_id: item.key } });
	return { kind: "stored", ref, id: item.key, source: item.message.source, received_at: item.message.received_at, bytes };
}

function claimOf(item: AcceptItem): Pick<Outgoing, "eventId" | "bodyHash" | "bodyKey"> {
	return { eventId: item.key, bodyHash: item.bodyHash, ...(item.bodyKey !== undefined ? { bodyKey: item.bodyKey } : {}) };
}

// The whole ack path, one RPC per shard touched: each shard claims its ids,
// enqueues the new ones and commits them (IdempotencyShard.accept). An event
// over the per-message limit (measured in UTF-8 bytes, as Queues counts) is
// first written to R2 and travels as a claim check; if R2 will not take it,
// no claim is made and the sender retries (503). The object is
// content-addressed, so a duplicate of a large event rewrites the same key.
// Items must have distinct keys. No D1 write and no processing happens here.
// Outcomes are keyed by item key.
export async function acceptEvents(env: Env, config: PipelineConfig, items: AcceptItem[]): Promise<Map<string, AcceptOutcome>> {
	const outcomes = new Map<string, AcceptOutcome>();
	const ready: Outgoing[] = [];
	await Promise.all(
		items.map(async (item) => {
			const bytes = jsonByteLength(item.message);
			if (bytes <= QUEUE_MAX_MESSAGE_BYTES - QUEUE_MESSAGE_OVERHEAD_BYTES) {
				ready.push({ ...claimOf(item), body: item.message, bytes });
				return;
			}
			try {
				const pointer = await storeMessage(env.PAYLOADS, item, bytes);
				ready.push({ ...claimOf(item), body: pointer, bytes: jsonByteLength(pointer) });
			} catch (err) {
				logLine("error", "claim_check_failed", { event_id: item.key, bytes, error: String(err) });
				outcomes.set(item.key, "queue_unavailable");
			}
		}),
	);
	for (const [key, outcome] of await acceptOnShards(env.IDEMPOTENCY, config.idempotencyShards, ready)) outcomes.set(key, outcome);
	return outcomes;
}

import type { QueueMessage, StoredMessage } from "../events/envelope";
import type { ClaimOutcome } from "../idempotency/claims";
import { ClaimSession, ClaimsUnavailable } from "../idempotency/client";
import type { PipelineConfig } from "../shared/config";
import { sha256Hex } from "../shared/crypto";
import { logLine } from "../shared/log";
import { chunkForSendBatch, jsonByteLength, QUEUE_MAX_MESSAGE_BYTES, QUEUE_MESSAGE_OVERHEAD_BYTES } from "../shared/send-batch";
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
}

export { eventHash } from "../events/hash";

interface Sendable {
	key: string;
	body: QueueMessage | StoredMessage;
	// Its UTF-8 size as JSON, measured once.
	bytes: number;
}

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

// The whole ack path: claim each id, enqueue the new ones, then commit the
// claims that made it onto the queue and release the ones that did not, so a
// sender's retry of a failed enqueue is accepted rather than told "duplicate".
// If any shard cannot be reached, what the others claimed is released and
// every event is idempotency_unavailable: the sender retries the request
// whole, and nothing is left pending to answer "in_flight" to that retry.
// Items must have distinct keys. No D1 write and no processing happens here.
// Outcomes are keyed by item key.
export async function acceptEvents(env: Env, config: PipelineConfig, items: AcceptItem[]): Promise<Map<string, AcceptOutcome>> {
	const session = new ClaimSession(env.IDEMPOTENCY, config.idempotencyShards);
	const requests = items.map(({ key, bodyHash }) => ({ eventId: key, bodyHash }));
	const outcomes = new Map<string, AcceptOutcome>();

	let claims: Map<string, ClaimOutcome>;
	try {
		claims = await session.claim(requests);
	} catch (err) {
		logLine("error", "idempotency_unavailable", { error: String(err) });
		if (err instanceof ClaimsUnavailable && err.claimed.length > 0) {
			await session.release(err.claimed).catch((e) => logLine("error", "release_failed", { error: String(e) }));
		}
		for (const item of items) outcomes.set(item.key, "idempotency_unavailable");
		return outcomes;
	}

	const fresh: AcceptItem[] = [];
	for (const item of items) {
		const claim = claims.get(item.key) ?? "in_flight";
		if (claim === "new") fresh.push(item);
		else outcomes.set(item.key, claim);
	}

	// Measured in UTF-8 bytes as Queues counts them. A message over the
	// per-message limit goes to R2 and travels as a claim check; if R2 will not
	// take it, its claim is released and the sender retries (503).
	const sendable: Sendable[] = [];
	await Promise.all(
		fresh.map(async (item) => {
			const bytes = jsonByteLength(item.message);
			if (bytes <= QUEUE_MAX_MESSAGE_BYTES - QUEUE_MESSAGE_OVERHEAD_BYTES) {
				sendable.push({ key: item.key, body: item.message, bytes });
				return;
			}
			try {
				const pointer = await storeMessage(env.PAYLOADS, item, bytes);
				sendable.push({ key: item.key, body: pointer, bytes: jsonByteLength(pointer) });
			} catch (err) {
				logLine("error", "claim_check_failed", { event_id: item.key, bytes, error: String(err) });
				await session.release([item.key]).catch((e) => logLine("error", "release_failed", { error: String(e) }));
				outcomes.set(item.key, "queue_unavailable");
			}
		}),
	);
	const plan = chunkForSendBatch(sendable, (item) => item.bytes);
	await Promise.all(
		plan.chunks.map(async (chunk) => {
			const ids = chunk.map((item) => item.key);
			try {
				await env.EVENTS_QUEUE.sendBatch(chunk.map((item) => ({ body: item.body, contentType: "json" as const })));
			} catch (err) {
				logLine("error", "enqueue_failed", { events: ids.length, error: String(err) });
				await session.release(ids).catch((e) => logLine("error", "release_failed", { error: String(e) }));
				for (const id of ids) outcomes.set(id, "queue_unavailable");
				return;
			}
			// The events are on the queue: that is the truth whatever commit does.
			// A failed commit leaves pending claims that lapse after their lease.
			await session.commit(ids).catch((e) => logLine("error", "commit_failed", { error: String(e) }));
			for (const id of ids) outcomes.set(id, "accepted");
		}),
	);
	return outcomes;
}

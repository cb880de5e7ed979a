import type { EventEnvelope, QueueMessage } from "../events/envelope";
import type { ClaimOutcome } from "../idempotency/claims";
import { ClaimSession } from "../idempotency/client";
import { canonicalJson } from "../shared/canonical-json";
import type { PipelineConfig } from "../shared/config";
import { sha256Hex } from "../shared/crypto";
import { ApiError } from "../shared/errors";
import { logLine } from "../shared/log";
import { chunkForSendBatch } from "../shared/send-batch";

export type AcceptOutcome = Exclude<ClaimOutcome, "new"> | "accepted" | "queue_unavailable";

// One event to accept: the key it is deduplicated under (the stored event
// id), the content hash its claim is made with, and the queue message.
export interface AcceptItem {
	key: string;
	bodyHash: string;
	message: QueueMessage;
}

// Content hash of an event: same content → same hash, whatever its formatting.
export function eventHash(event: EventEnvelope): Promise<string> {
	return sha256Hex(canonicalJson(event));
}

// The whole ack path: claim each id, enqueue the new ones, then commit the
// claims that made it onto the queue and release the ones that did not, so a
// sender's retry of a failed enqueue is accepted rather than told "duplicate".
// Items must have distinct keys. No D1 write and no processing happens here.
// Outcomes are keyed by item key.
export async function acceptEvents(env: Env, config: PipelineConfig, items: AcceptItem[]): Promise<Map<string, AcceptOutcome>> {
	const session = new ClaimSession(env.IDEMPOTENCY, config.idempotencyShards);
	const requests = items.map(({ key, bodyHash }) => ({ eventId: key, bodyHash }));

	let claims: Map<string, ClaimOutcome>;
	try {
		claims = await session.claim(requests);
	} catch (err) {
		logLine("error", "idempotency_unavailable", { error: String(err) });
		throw new ApiError(503, "idempotency_unavailable", "The idempotency store is unavailable; retry later", {}, { "Retry-After": "5" });
	}

	const outcomes = new Map<string, AcceptOutcome>();
	const fresh: AcceptItem[] = [];
	for (const item of items) {
		const claim = claims.get(item.key) ?? "in_flight";
		if (claim === "new") fresh.push(item);
		else outcomes.set(item.key, claim);
	}

	const chunks = chunkForSendBatch(fresh, (item) => JSON.stringify(item.message).length);
	await Promise.all(
		chunks.map(async (chunk) => {
			const ids = chunk.map((item) => item.key);
			try {
				await env.EVENTS_QUEUE.sendBatch(chunk.map((item) => ({ body: item.message, contentType: "json" as const })));
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

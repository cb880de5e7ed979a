import type { EventEnvelope, EventMessage } from "../events/envelope";
import type { ClaimOutcome } from "../idempotency/claims";
import { ClaimSession } from "../idempotency/client";
import { canonicalJson } from "../shared/canonical-json";
import type { PipelineConfig } from "../shared/config";
import { sha256Hex } from "../shared/crypto";
import { ApiError } from "../shared/errors";
import { logLine } from "../shared/log";
import { chunkForSendBatch, jsonByteLength } from "../shared/send-batch";

export type AcceptOutcome = Exclude<ClaimOutcome, "new"> | "accepted" | "queue_unavailable";

// An event with the content hash its idempotency claim is made with.
export interface HashedEvent {
	event: EventEnvelope;
	bodyHash: string;
}

export interface Arrival {
	source: string;
	receivedAt: number;
}

// Content hash of an event: same content → same hash, whatever its formatting.
export function eventHash(event: EventEnvelope): Promise<string> {
	return sha256Hex(canonicalJson(event));
}

// The whole ack path: claim each id, enqueue the new ones, then commit the
// claims that made it onto the queue and release the ones that did not, so a
// sender's retry of a failed enqueue is accepted rather than told "duplicate".
// Events must have distinct ids. No D1 write and no processing happens here.
export async function acceptEvents(
	env: Env,
	config: PipelineConfig,
	events: HashedEvent[],
	arrival: Arrival,
): Promise<Map<string, AcceptOutcome>> {
	const session = new ClaimSession(env.IDEMPOTENCY, config.idempotencyShards);
	const requests = events.map(({ event, bodyHash }) => ({ eventId: event.event_id, bodyHash }));

	let claims: Map<string, ClaimOutcome>;
	try {
		claims = await session.claim(requests);
	} catch (err) {
		logLine("error", "idempotency_unavailable", { error: String(err) });
		throw new ApiError(503, "idempotency_unavailable", "The idempotency store is unavailable; retry later", {}, { "Retry-After": "5" });
	}

	const outcomes = new Map<string, AcceptOutcome>();
	const fresh: EventMessage[] = [];
	for (const { event } of events) {
		const claim = claims.get(event.event_id) ?? "in_flight";
		if (claim === "new") fresh.push({ event, received_at: arrival.receivedAt, source: arrival.source });
		else outcomes.set(event.event_id, claim);
	}

	const { chunks, oversized } = chunkForSendBatch(fresh, jsonByteLength);
	// Too large for one queue message: answered like a failed enqueue for now.
	if (oversized.length > 0) {
		const ids = oversized.map(({ item }) => item.event.event_id);
		logLine("error", "enqueue_failed", { events: ids.length, error: "over the queue message size limit" });
		await session.release(ids).catch((e) => logLine("error", "release_failed", { error: String(e) }));
		for (const id of ids) outcomes.set(id, "queue_unavailable");
	}
	await Promise.all(
		chunks.map(async (chunk) => {
			const ids = chunk.map((m) => m.event.event_id);
			try {
				await env.EVENTS_QUEUE.sendBatch(chunk.map((body) => ({ body, contentType: "json" as const })));
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

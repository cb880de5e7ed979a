import { describeError, logLine } from "../shared/log";
import { type DeliveryWork, deliverBatch } from "./attempt";
import { readBreaker } from "./breaker-store";
import { forwardingConfig } from "./config";
import { releaseHeld } from "./deliveries";
import { deliveryMessageSchema, sendDeliveries, sendProbe, sendRelease } from "./messages";
import { getDestination } from "./store";

// The webhook-deliveries queue and its dead-letter queue.

// Held deliveries re-queued per release message; a longer backlog continues
// in the next message, so one invocation stays small.
export const RELEASE_CHUNK = 100;

// The destination delivers again: queue its held deliveries, oldest first.
export async function releaseDestination(env: Env, destinationId: string, now: number): Promise<number> {
	const d = await getDestination(env.DB, destinationId);
	if (!d?.enabled || d.breaker.status !== "closed") return 0;
	const ids = await releaseHeld(env.DB, destinationId, now, RELEASE_CHUNK);
	await sendDeliveries(env.DELIVERIES_QUEUE, ids);
	if (ids.length === RELEASE_CHUNK) await sendRelease(env.DELIVERIES_QUEUE, destinationId);
	return ids.length;
}

// The breaker's probe is due: the oldest held delivery goes (as the probe,
// when admitted). Early (a newer opening moved the probe): wait for it.
async function probeCandidate(env: Env, destinationId: string, now: number): Promise<string | null> {
	const snapshot = await readBreaker(env.DB, destinationId);
	if (!snapshot || (snapshot.state.status !== "open" && snapshot.state.status !== "half_open")) return null;
	const due = snapshot.state.next_probe_at ?? now;
	if (now < due) {
		await sendProbe(env.DELIVERIES_QUEUE, destinationId, due, now);
		return null;
	}
	// Nothing held: the next delivery that arrives is admitted as the probe.
	const [id] = await releaseHeld(env.DB, destinationId, now, 1);
	return id ?? null;
}

export async function consumeDeliveries(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	if (batch.queue.endsWith("-dlq")) return consumeDeadDeliveries(batch, env);
	const started = Date.now();
	const work: DeliveryWork[] = [];
	for (const message of batch.messages) {
		const parsed = deliveryMessageSchema.safeParse(message.body);
		if (!parsed.success) {
			logLine("warn", "delivery_message_invalid", { queue: batch.queue, message_id: message.id });
			message.ack();
			continue;
		}
		const m = parsed.data;
		if (m.kind === "deliver") {
			work.push({ message, deliveryId: m.delivery_id });
			continue;
		}
		try {
			if (m.kind === "release") {
				await releaseDestination(env, m.destination_id, started);
				message.ack();
			} else {
				const id = await probeCandidate(env, m.destination_id, started);
				if (id) work.push({ message, deliveryId: id });
				else message.ack();
			}
		} catch (err) {
			logLine("warn", "delivery_control_failed", { kind: m.kind, destination_id: m.destination_id, error: describeError(err) });
			message.retry({ delaySeconds: 10 });
		}
	}
	const tally = await deliverBatch(env, work, forwardingConfig(env), started);
	logLine("info", "deliveries_batch", { queue: batch.queue, size: batch.messages.length, ...tally, duration_ms: Date.now() - started });
}

// A delivery message that ran out of queue retries (the consumer kept
// failing before it could settle it): recorded as failed, so it is listed
// and replayable. Retried for as long as D1 may be down.
async function consumeDeadDeliveries(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const now = Date.now();
	for (const message of batch.messages) {
		const parsed = deliveryMessageSchema.safeParse(message.body);
		if (!parsed.success || parsed.data.kind !== "deliver") {
			// Probe and release messages are re-created by the sweep.
			logLine("warn", "delivery_dead_letter_dropped", { message_id: message.id });
			message.ack();
			continue;
		}
		try {
			await env.DB.prepare(
				"UPDATE deliveries SET status = 'failed', lease_until = NULL, last_error = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'delivering')",
			)
				.bind("queue retries exhausted before the delivery settled", now, parsed.data.delivery_id)
				.run();
			message.ack();
		} catch (err) {
			logLine("error", "delivery_dead_letter_write_failed", { delivery_id: parsed.data.delivery_id, error: describeError(err) });
			message.retry({ delaySeconds: Math.min(60, 2 ** Math.max(1, message.attempts)) });
		}
	}
}

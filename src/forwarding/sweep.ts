import { logLine } from "../shared/log";
import { sendDeliveries, sendProbe, sendRelease } from "./messages";

// Every minute (the cron trigger): put back on the queue what lost its
// message. Deliveries normally move by queue messages alone; this only
// catches what a failed send or a crashed consumer left behind:
// - pending deliveries well past their time (the fan-out could not queue
//   them, or a release or replay message was lost);
// - deliveries whose claim expired long ago (the claimer crashed and its
//   message is gone);
// - breakers whose probe is overdue (the probe message was lost);
// - held deliveries of a destination that delivers again (a release lost).

// How late something must be before the sweep takes it: well past any retry
// or lease the queue itself is still going to honour.
export const SWEEP_GRACE_MS = 5 * 60_000;
export const SWEEP_LIMIT = 500;

export interface SweepResult {
	requeued: number;
	probes: number;
	releases: number;
}

export async function sweepDeliveries(env: Env, now: number): Promise<SweepResult> {
	const db = env.DB;
	const late = now - SWEEP_GRACE_MS;
	const [stuck, overdue, releasable] = await db.batch([
		// Touching next_attempt_at / lease_until keeps the next sweep from taking them again.
		db
			.prepare(
				`UPDATE deliveries SET status = 'pending', lease_until = NULL, next_attempt_at = ?, updated_at = ?
				 WHERE id IN (SELECT id FROM deliveries WHERE (status = 'pending' AND next_attempt_at < ?) OR (status = 'delivering' AND lease_until < ?) LIMIT ?)
				 RETURNING id`,
			)
			.bind(now, now, late, late, SWEEP_LIMIT),
		db
			.prepare(
				"SELECT id, next_probe_at FROM destinations WHERE enabled = 1 AND breaker_status IN ('open', 'half_open') AND coalesce(next_probe_at, 0) < ?",
			)
			.bind(now - 60_000),
		db.prepare(
			`SELECT DISTINCT d.destination_id AS id FROM deliveries d JOIN destinations t ON t.id = d.destination_id
			 WHERE d.status = 'held' AND t.enabled = 1 AND t.breaker_status = 'closed'`,
		),
	]);
	const ids = ((stuck?.results ?? []) as { id: string }[]).map((r) => r.id);
	await sendDeliveries(env.DELIVERIES_QUEUE, ids);
	const probes = (overdue?.results ?? []) as { id: string }[];
	for (const d of probes) await sendProbe(env.DELIVERIES_QUEUE, d.id, now, now);
	const releases = (releasable?.results ?? []) as { id: string }[];
	for (const d of releases) await sendRelease(env.DELIVERIES_QUEUE, d.id);
	const result = { requeued: ids.length, probes: probes.length, releases: releases.length };
	if (ids.length + probes.length + releases.length > 0) logLine("warn", "deliveries_swept", { ...result });
	return result;
}

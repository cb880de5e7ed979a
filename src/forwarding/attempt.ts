import { describeError, logLine } from "../shared/log";
import type { PostResult } from "../shared/outbound";
import { configuredSources } from "../sources/config";
import { changeBreaker, followUp } from "./breaker-store";
import type { ForwardingConfig } from "./config";
import { admit, type BreakerOutcome, breakerOutcome, onResult } from "./core/breaker";
import type { OutboundBody } from "./core/payload";
import { classify, decide } from "./core/retry";
import {
	type AttemptRow,
	attemptStatements,
	claimStatement,
	type DeliveryRow,
	deliveriesById,
	failUnstartedStatement,
	holdStatement,
	type Settlement,
	settleStatement,
} from "./deliveries";
import { invalidateTargets } from "./fanout";
import { deliveryBody, sendDelivery, storedEvents } from "./send";
import { type Destination, destinationsById, disableAsGone } from "./store";

// One batch of deliveries: admit each through its destination's breaker,
// claim it, send the requests in parallel, record every attempt and move the
// breakers. A delivery is only ever attempted by the consumer that claimed it.

export interface DeliveryWork {
	message: Message<unknown>;
	deliveryId: string;
}

interface Admitted extends DeliveryWork {
	row: DeliveryRow;
	destination: Destination;
}

interface Started extends Admitted {
	attempt: number;
	body: OutboundBody;
}

export interface BatchTally {
	succeeded: number;
	retried: number;
	failed: number;
	held: number;
}

const secondsUntil = (at: number, now: number) => Math.max(1, Math.ceil((at - now) / 1000));

function holdReason(d: Destination, now: number): string {
	if (d.breaker.status === "paused") return "held: destination paused by an operator";
	const at = d.breaker.next_probe_at ?? now;
	return d.breaker.status === "half_open"
		? "held: breaker probing the destination"
		: `held: breaker open, next probe at ${new Date(at).toISOString()}`;
}

export const attemptError = (r: PostResult): string | null =>
	typeof r.result === "number" ? (r.result >= 200 && r.result <= 299 ? null : `HTTP ${r.result}`) : `${r.result}: ${r.error ?? ""}`.trim();

// Which deliveries may go now. Admission is applied to the stored breaker by
// compare-and-set, so only one consumer anywhere takes a probe.
async function admitAll(
	db: D1Database,
	work: DeliveryWork[],
	now: number,
	config: ForwardingConfig,
	tally: BatchTally,
): Promise<Admitted[]> {
	const rows = await deliveriesById(
		db,
		work.map((w) => w.deliveryId),
	);
	const destinations = await destinationsById(
		db,
		[...rows.values()].map((r) => r.destination_id),
	);
	const parked: D1PreparedStatement[] = [];
	const byDestination = new Map<string, Admitted[]>();
	for (const w of work) {
		const row = rows.get(w.deliveryId);
		const destination = row && destinations.get(row.destination_id);
		// Already settled or parked, or its destination was deleted: nothing to do.
		if (!row || !destination || !(row.status === "pending" || row.status === "delivering")) {
			w.message.ack();
		} else if (row.status === "delivering" && (row.lease_until ?? 0) >= now) {
			// Another consumer holds it; look again once its lease ends.
			w.message.retry({ delaySeconds: secondsUntil(row.lease_until as number, now) });
		} else if (!destination.enabled) {
			parked.push(failUnstartedStatement(db, row.id, now, `destination disabled (${destination.disabled_reason ?? "operator"})`));
			tally.failed++;
			w.message.ack();
		} else {
			const list = byDestination.get(destination.id) ?? [];
			list.push({ ...w, row, destination });
			byDestination.set(destination.id, list);
		}
	}

	const admitted: Admitted[] = [];
	for (const [id, items] of byDestination) {
		const first = items[0] as Admitted;
		let go: boolean[] = [];
		const change = await changeBreaker(
			db,
			id,
			(state) => {
				go = [];
				let s = state;
				for (const _ of items) {
					const a = admit(s, now, config.breaker);
					go.push(a.decision !== "hold");
					s = a.state;
				}
				return s;
			},
			now,
			{ state: first.destination.breaker, version: first.destination.breaker_version },
		);
		for (const [i, item] of items.entries()) {
			if (change && go[i]) {
				admitted.push(item);
				continue;
			}
			// Held (parked in D1 until a probe or a resume), or its destination is gone.
			if (change) {
				parked.push(holdStatement(db, item.row.id, now, holdReason({ ...item.destination, breaker: change.after }, now)));
				tally.held++;
			}
			item.message.ack();
		}
	}
	if (parked.length > 0) await db.batch(parked);
	return admitted;
}

async function claimAll(env: Env, admitted: Admitted[], now: number, tally: BatchTally): Promise<Started[]> {
	const db = env.DB;
	if (admitted.length === 0) return [];
	const claims = await db.batch<{ id: string; attempts: number }>(admitted.map((a) => claimStatement(db, a.row.id, now)));
	const claimed = admitted.flatMap((a, i) => {
		const row = claims[i]?.results[0];
		if (!row) a.message.ack(); // taken by another consumer meanwhile
		return row ? [{ ...a, attempt: row.attempts }] : [];
	});
	const rows = await storedEvents(
		db,
		env.PAYLOADS,
		claimed.map((c) => c.row.event_id),
	);
	// Each delivery's event is built on its own: one that cannot be (its row
	// is gone, or its source's mapping no longer reads it) fails alone with
	// its reason, and never fails or stalls the rest of the batch.
	// Read only for provider events: a direct event needs no source config.
	const sources = () => configuredSources(env.SOURCES);
	const unbuildable: { item: (typeof claimed)[number]; error: string }[] = [];
	const started = claimed.flatMap((c) => {
		const row = rows.get(c.row.event_id);
		try {
			if (!row) throw new Error("event not found in D1");
			return [{ ...c, body: deliveryBody(c.destination.format, row, sources) }];
		} catch (err) {
			unbuildable.push({ item: c, error: describeError(err) });
			return [];
		}
	});
	if (unbuildable.length > 0) {
		await db.batch(
			unbuildable.map(({ item, error }) =>
				settleStatement(db, item.row.id, now, { status: "failed", error: `payload could not be built: ${error}` }),
			),
		);
		for (const { item } of unbuildable) item.message.ack();
		tally.failed += unbuildable.length;
		logLine("warn", "delivery_unbuildable", {
			deliveries: unbuildable.map(({ item, error }) => ({ delivery_id: item.row.id, destination_id: item.destination.id, error })),
		});
	}
	return started;
}

export async function deliverBatch(env: Env, work: DeliveryWork[], config: ForwardingConfig, now: number): Promise<BatchTally> {
	const db = env.DB;
	const tally: BatchTally = { succeeded: 0, retried: 0, failed: 0, held: 0 };
	if (work.length === 0) return tally;
	const started = await claimAll(env, await admitAll(db, work, now, config, tally), now, tally);
	const results = await Promise.all(started.map((s) => sendDelivery(s.destination, s.row.id, s.body, now, config.timeoutMs)));

	const decidedAt = Date.now();
	const attempts: AttemptRow[] = [];
	const writes: D1PreparedStatement[] = [];
	const outcomes = new Map<string, BreakerOutcome[]>();
	const after: (() => void)[] = [];
	started.forEach((s, i) => {
		const r = results[i] as PostResult;
		const classification = classify(r.result);
		const error = attemptError(r);
		attempts.push({
			delivery_id: s.row.id,
			destination_id: s.destination.id,
			attempt: s.attempt,
			outcome: classification,
			http_status: typeof r.result === "number" ? r.result : null,
			error,
			latency_ms: r.latency_ms,
			response_snippet: r.snippet,
			attempted_at: now,
		});
		const outcome = breakerOutcome(classification);
		if (outcome) outcomes.set(s.destination.id, [...(outcomes.get(s.destination.id) ?? []), outcome]);
		const decision = decide(
			r.result,
			{ attempt: s.attempt, maxAttempts: s.destination.max_attempts, retryAfter: r.retry_after },
			decidedAt,
			Math.random,
			config.backoff,
		);
		let settlement: Settlement;
		if (decision.action === "delivered") {
			settlement = { status: "succeeded" };
			tally.succeeded++;
		} else if (decision.action === "retry") {
			settlement = { status: "pending", error: error as string, next_attempt_at: decidedAt + decision.delaySeconds * 1000 };
			tally.retried++;
		} else {
			const why =
				decision.action === "disable"
					? "410 Gone: destination disabled"
					: decision.reason === "rejected"
						? "rejected"
						: "attempts exhausted";
			settlement = { status: "failed", error: `${error} (${why})` };
			if (decision.action === "disable") writes.push(disableAsGone(db, s.destination.id, decidedAt));
			tally.failed++;
		}
		writes.push(settleStatement(db, s.row.id, decidedAt, settlement));
		after.push(() => (decision.action === "retry" ? s.message.retry({ delaySeconds: decision.delaySeconds }) : s.message.ack()));
	});
	if (started.length > 0) await db.batch([...attemptStatements(db, attempts), ...writes]);
	// A 410 disabled a destination: stop fanning out to it in this isolate now.
	if (started.some((_, i) => classify((results[i] as PostResult).result) === "disable")) invalidateTargets();

	for (const [id, list] of outcomes) {
		const change = await changeBreaker(
			db,
			id,
			(state) => list.reduce((s, o) => onResult(s, o, decidedAt, config.breaker), state),
			decidedAt,
		);
		if (change) await followUp(env.DELIVERIES_QUEUE, id, change, decidedAt);
	}
	for (const settle of after) settle();
	return tally;
}

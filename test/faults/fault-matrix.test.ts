// Fault-injection matrix: each case breaks one real dependency once, lets the
// sender retry what it was told to retry and the queue redeliver what the
// consumer retried, then checks the end state. Every case must end with
// lost = 0 (each event a sender was given a 2xx for is archived in D1 or held
// as an open dead letter) and double-counted = 0 (never both, never twice).
// A replay interrupted between enqueue and mark is covered beside the replay
// route (test/admin/dead-letter-replay.test.ts), and the dead letter archived
// to R2 when D1 keeps refusing in test/consumer/. Rows stored before the
// archive existed (migration 0010) are covered in test/retention/. The last
// block breaks one destination's payload and checks that forwarding settles
// everything else.
import { createExecutionContext, type MessageBatchMessage, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archiveDay } from "../../src/archive/layout";
import type { EventEnvelope } from "../../src/events/envelope";
import { shardFor, shardName } from "../../src/idempotency/shard";
import worker from "../../src/index";
import { runRetention } from "../../src/retention/run";
import {
	createDestination,
	customerCreated,
	deliveryRows,
	receiveStripe,
	runDeliveries,
	stripeSource,
	uniqueSource,
} from "../forwarding/helpers";
import { archiveCopies, archivedEvent } from "../support/archive";
import { countRows, signedRequest, validEvent } from "../support/builders";
import { flakyShard, whileD1RefusesRow } from "../support/faults";
import { deliver, recordingQueue, withEventsQueue } from "../support/queue";

type Overrides = Partial<Env>;
const once = <T extends unknown[], R>(fail: (...args: T) => Promise<R>, pass: (...args: T) => Promise<R>) => {
	let failed = false;
	return (...args: T) => {
		if (failed) return pass(...args);
		failed = true;
		return fail(...args);
	};
};
const down = () => Promise.reject(new Error("injected fault"));

// The sender: POST the batch; while the answer is a 503, retry it whole
// (Retry-After honoured in spirit, faults cleared after the first try).
// The events queue the sender's requests reach (recorded), for faults that
// pass some calls through.
let liveQueue: Queue = env.EVENTS_QUEUE;

async function send(events: EventEnvelope[], faults: Overrides, limits: Overrides) {
	const queue = recordingQueue();
	liveQueue = queue.queue;
	const statuses: number[] = [];
	for (let attempt = 0; attempt < 4; attempt++) {
		const ctx = createExecutionContext();
		const { EVENTS_QUEUE: faultyQueue, ...overrides } = attempt === 0 ? { ...limits, ...faults } : limits;
		const request = await signedRequest({ events }, { path: "/webhook/batch" });
		const res = await withEventsQueue(faultyQueue ?? queue.queue, () => worker.fetch(request, { ...env, ...overrides }, ctx));
		await waitOnExecutionContext(ctx);
		statuses.push(res.status);
		if (res.status !== 503) break;
	}
	return { statuses, sent: queue.sent };
}

// The queue: deliver, redeliver what was retried (attempts + 1), hand dead
// letters to the dead-letter consumer and redeliver its retries too.
async function drain(sent: unknown[], consumerFaults: Overrides, firstRound: (run: () => Promise<void>) => Promise<void> = (run) => run()) {
	let pending: MessageBatchMessage<unknown>[] = sent.map((body, i) => ({
		id: `m${i}-${crypto.randomUUID()}`,
		timestamp: new Date(),
		attempts: 1,
		body,
	}));
	let deadPending: MessageBatchMessage<unknown>[] = [];
	for (let round = 0; round < 8 && (pending.length || deadPending.length); round++) {
		const faults = round === 0 ? consumerFaults : {};
		const wrap = round === 0 ? firstRound : (run: () => Promise<void>) => run();
		await wrap(async () => {
			const dlq = recordingQueue(env.DEAD_LETTER_QUEUE);
			const next: MessageBatchMessage<unknown>[] = [];
			for (let i = 0; i < pending.length; i += 10) {
				const chunk = pending.slice(i, i + 10);
				const result = await deliver("webhook-events", chunk, { ...faults, DEAD_LETTER_QUEUE: faults.DEAD_LETTER_QUEUE ?? dlq.queue });
				const retried = new Set(result.retryBatch.retry ? chunk.map((m) => m.id) : result.retryMessages.map((r) => r.msgId));
				next.push(...chunk.filter((m) => retried.has(m.id)).map((m) => ({ ...m, attempts: m.attempts + 1 })));
			}
			const letters = [
				...deadPending,
				...dlq.sent.map((body, i) => ({ id: `d${round}-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })),
			];
			deadPending = [];
			for (let i = 0; i < letters.length; i += 10) {
				const chunk = letters.slice(i, i + 10);
				const result = await deliver("webhook-events-dlq", chunk, faults.DB ? { DB: faults.DB } : {});
				const retried = new Set(result.retryBatch.retry ? chunk.map((m) => m.id) : result.retryMessages.map((r) => r.msgId));
				deadPending.push(...chunk.filter((m) => retried.has(m.id)).map((m) => ({ ...m, attempts: m.attempts + 1 })));
			}
			pending = next;
		});
	}
	expect(pending, "messages still being retried").toEqual([]);
	expect(deadPending, "dead letters still being retried").toEqual([]);
}

// A stored event also counts as lost if its payload cannot be read back
// from the archive, and as double-counted if the archive serves it twice
// (two manifest lines) or leaves a copy in an orphaned object.
async function reconcile(events: EventEnvelope[]) {
	let lost = 0;
	let doubled = 0;
	const copies = await archiveCopies(
		archiveDay(Date.now()),
		events.map((e) => e.event_id),
	);
	for (const { event_id } of events) {
		const stored = await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", event_id);
		const dead = await countRows("SELECT count(*) AS n FROM dead_letters WHERE event_id = ? AND status = 'open'", event_id);
		const usage = await countRows("SELECT count(*) AS n FROM usage_records WHERE event_id = ?", event_id);
		const readable = stored === 1 && (await archivedEvent(event_id)).event !== null;
		const archived = copies.get(event_id) ?? { live: 0, orphaned: 0 };
		if (stored + dead === 0 || (stored === 1 && !readable)) lost++;
		if (stored + dead > 1 || usage > 1 || archived.live > stored || archived.orphaned > 0) doubled++;
	}
	return { lost, doubled };
}

// A D1 whose batch() refuses once (the whole transaction), the rest passing through.
function d1RefusingOneBatch(): D1Database {
	const refuse = once<[D1PreparedStatement[]], D1Result[]>(down, (statements) => env.DB.batch(statements));
	return new Proxy(env.DB, { get: (target, prop) => (prop === "batch" ? refuse : Reflect.get(target, prop).bind(target)) });
}

const usage = (n: number) => Array.from({ length: n }, () => validEvent("usage_tracked"));
// A subscription without a plan: permanently invalid, so it must end as a dead letter.
const poison = () => validEvent("subscription_created", { metadata: { amount: 9, currency: "USD", interval: "month" } });

describe("fault-injection matrix: lost = 0, double-counted = 0", () => {
	const cases: [
		string,
		() => { events: EventEnvelope[]; ingest?: Overrides; consumer?: Overrides; around?: (run: () => Promise<void>) => Promise<void> },
	][] = [
		[
			"one shard cannot be reached",
			() => {
				const events = usage(12);
				return { events, ingest: { IDEMPOTENCY: flakyShard(shardName(shardFor(events[0]!.event_id, 16)), "unreachable") } };
			},
		],
		[
			"one shard's answer is lost after it enqueued and committed",
			() => {
				const events = usage(12);
				return { events, ingest: { IDEMPOTENCY: flakyShard(shardName(shardFor(events[0]!.event_id, 16)), "lost") } };
			},
		],
		["sendBatch fails whole", () => ({ events: usage(8), ingest: { EVENTS_QUEUE: { sendBatch: down } as unknown as Queue } })],
		[
			"sendBatch fails for one chunk",
			() => ({
				events: usage(150),
				ingest: {
					EVENTS_QUEUE: { sendBatch: once<[MessageSendRequest[]], unknown>(down, (m) => liveQueue.sendBatch(m)) } as unknown as Queue,
				},
			}),
		],
		[
			"the R2 put of a large event fails",
			() => ({
				events: [validEvent("usage_tracked", { metadata: { feature: "big", quantity: 1, note: "x".repeat(200_000) } }), ...usage(3)],
				ingest: { PAYLOADS: { put: down } as unknown as R2Bucket },
			}),
		],
		[
			"the D1 batch fails mid-batch",
			() => {
				const events = usage(6);
				return { events, around: (run) => whileD1RefusesRow("events", events[2]!.event_id, run) };
			},
		],
		["the archive put fails", () => ({ events: usage(6), consumer: { PAYLOADS: { ...env.PAYLOADS, put: down } as unknown as R2Bucket } })],
		["the archive put succeeds and the D1 write fails", () => ({ events: usage(6), consumer: { DB: d1RefusingOneBatch() } })],
		[
			"the dead-letter send fails",
			() => ({
				events: [...usage(4), poison(), poison()],
				consumer: { DEAD_LETTER_QUEUE: { sendBatch: down, send: down } as unknown as Queue },
			}),
		],
		[
			"the dead-letter consumer's D1 write fails",
			() => {
				const bad = poison();
				return { events: [...usage(3), bad, poison()], around: (run) => whileD1RefusesRow("dead_letters", bad.event_id, run) };
			},
		],
	];

	it.each(cases)("%s", async (_name, build) => {
		const { events, ingest = {}, consumer = {}, around } = build();
		const limits = { MAX_BATCH_EVENTS: "150", MAX_BODY_BYTES: String(1024 * 1024) };
		const { statuses, sent } = await send(events, ingest, limits);
		// The sender ends with a 2xx for the whole batch (never a 4xx to drop).
		expect([200, 202]).toContain(statuses.at(-1));
		// A database fault holds for the first delivery round only; retries then go through.
		await drain(sent, consumer, around);
		expect(await reconcile(events)).toEqual({ lost: 0, doubled: 0 });
	});

	// Retention (src/retention/) 40 days on, interrupted after its first
	// chunk: lost = an event no longer in the archive, double-counted = an
	// event archived twice, a derived row twice, or a deletion counted that
	// did not happen (or not counted).
	it("a retention tick is interrupted", async () => {
		const events = usage(7);
		const { sent } = await send(events, {}, { MAX_BATCH_EVENTS: "150" });
		await drain(sent, {});
		const ids = events.map((e) => e.event_id);
		const stored = () => countRows(`SELECT count(*) AS n FROM events WHERE event_id IN (${ids.map(() => "?").join(", ")})`, ...ids);
		const deletedCount = () => countRows("SELECT value AS n FROM pipeline_counters WHERE name = 'retention_deleted'");
		const later = Date.now() + 40 * 86_400_000;
		// Earlier cases' events are stored too: the fault lands in the events step's second chunk.
		const all = () => countRows("SELECT count(*) AS n FROM events");
		const before = { all: await all(), counted: await deletedCount() };
		let calls = 0;
		const interrupted = new Proxy(env.DB, {
			get: (target, prop) =>
				prop === "batch"
					? (statements: D1PreparedStatement[]) => (++calls === 2 ? down() : target.batch(statements))
					: Reflect.get(target, prop).bind(target),
		});
		await expect(runRetention({ ...env, DB: interrupted }, later, { chunk: 3, chunksPerStep: 10 })).rejects.toThrow("injected fault");
		const countedAtFault = (await deletedCount()) - before.counted;
		const deletedAtFault = before.all - (await all());
		// Later ticks carry on where it stopped (earlier cases' rows are old too).
		for (let tick = 0; tick < 100 && !(await runRetention(env, later, { chunk: 3, chunksPerStep: 10 })).complete; tick++);
		const copies = await archiveCopies(archiveDay(Date.now()), ids);
		let lost = 0;
		let doubled = countedAtFault === deletedAtFault ? 0 : 1;
		for (const id of ids) {
			const archived = copies.get(id) ?? { live: 0, orphaned: 0 };
			if (archived.live === 0) lost++;
			if (archived.live > 1 || (await countRows("SELECT count(*) AS n FROM usage_records WHERE event_id = ?", id)) !== 1) doubled++;
		}
		expect(deletedAtFault).toBeGreaterThan(0);
		expect(await stored()).toBe(0);
		expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
	});
});

// Forwarding: one destination's payload cannot be built (the source's
// mapping changed since the events were stored and no longer reads them).
// Its deliveries fail alone with the reason; every other delivery in the
// same batches is attempted; the events themselves stay archived once.
describe("fault-injection matrix: forwarding", () => {
	it("one destination's payload cannot be built", async () => {
		const source = uniqueSource();
		const sources = [stripeSource(source)];
		const canonical = await createDestination({ event_types: ["*"], sources: [source], format: "event", max_attempts: 3 });
		const raw = await createDestination({ event_types: ["*"], sources: [source], format: "raw", max_attempts: 3 });
		const stored = [];
		for (let i = 0; i < 4; i++) stored.push(await receiveStripe(source, customerCreated(), sources));
		const deliveries = await deliveryRows("source = ?", source);
		expect(deliveries).toHaveLength(8);

		const broken = [stripeSource(source, { "customer.created": { type: "user_signup", fields: { user_id: "data.object.gone" } } })];
		const result = await runDeliveries(
			deliveries.map((d) => ({ kind: "deliver" as const, delivery_id: d.id as string })),
			1,
			{ SOURCES: broken } as unknown as Partial<Env>,
		);
		// Never the whole batch: each message was settled on its own.
		expect(result.retryBatch.retry).toBe(false);
		expect(result.explicitAcks.length + result.retryMessages.length).toBe(8);

		const after = await deliveryRows("source = ?", source);
		const byDestination = (id: string) => after.filter((d) => d.destination_id === id);
		expect(byDestination(canonical.id).map((d) => [d.status, String(d.last_error).split(":")[0]])).toEqual(
			Array.from({ length: 4 }, () => ["failed", "payload could not be built"]),
		);
		// Attempted (nothing listens at the URL, so each waits for its retry), none left claimed.
		expect(byDestination(raw.id).map((d) => [d.status, d.attempts])).toEqual(Array.from({ length: 4 }, () => ["pending", 1]));
		let lost = 0;
		let doubled = 0;
		for (const id of stored) {
			const n = await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", id);
			if (n === 0) lost++;
			if (n > 1) doubled++;
		}
		expect({ lost, doubled }).toEqual({ lost: 0, doubled: 0 });
	});
});

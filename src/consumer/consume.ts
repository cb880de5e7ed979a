import { PermanentError } from "../events/contract";
import { queueMessageSchema, storedEventId } from "../events/envelope";
import { contentHash, storedHash } from "../events/hash";
import { enqueueDeliveries } from "../forwarding/fanout";
import { configFor } from "../shared/config";
import { describeError, logLine } from "../shared/log";
import { chunkForSendBatch, jsonByteLength } from "../shared/send-batch";
import { configuredSources } from "../sources/config";
import { archiveItems, dropOrphans, manifestStatements } from "./archive";
import { injectChaos } from "./chaos";
import { isStoredPointer, parseStoredPointer, resolveClaimCheck } from "./claim-check";
import { conflictWith, storedIdentities } from "./conflicts";
import { type DeadLetterBody, deadLetterRow } from "./dead-letter";
import { storeDeadLetters } from "./dead-letter-consumer";
import { type ProcessedEvent, parseMessage, processMessage } from "./process";
import { retryDelaySeconds, shouldDeadLetter } from "./retry-policy";
import { attemptStatements, ID_CONFLICT, isIdConflict, statementsFor } from "./writes";

interface Failure {
	message: Message<unknown>;
	error: string;
	permanent: boolean;
}

interface Ready {
	message: Message<unknown>;
	processed: ProcessedEvent;
	// The claim-check key of an event that travelled as one (archived by reference).
	ref?: string;
}

// Main queue: process up to 10 events, write them in one D1 transaction, ack.
// Failures are retried with backoff or dead-lettered with their reason.
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const started = Date.now();
	// Invalid vars fail the whole batch, so the queue retries it (and, past
	// max_retries, dead-letters it with the reason) until a fixed config is
	// deployed; never processed with a guessed default.
	let config: ReturnType<typeof configFor>;
	try {
		config = configFor(env);
	} catch (err) {
		logLine("error", "config_invalid", { queue: batch.queue, error: describeError(err) });
		throw err;
	}
	const ready: Ready[] = [];
	const failures: Failure[] = [];

	for (const message of batch.messages) {
		try {
			const parsed = parseMessage(await resolveClaimCheck(env.PAYLOADS, message.body));
			injectChaos(config.chaosFailRate);
			const processed = processMessage(parsed, message.attempts, Date.now(), configuredSources(env.SOURCES));
			processed.event.body_hash = storedHash(await contentHash(parsed));
			ready.push({ message, processed, ...(isStoredPointer(message.body) ? { ref: parseStoredPointer(message.body).ref } : {}) });
		} catch (err) {
			failures.push({ message, error: describeError(err), permanent: err instanceof PermanentError });
		}
	}

	// Archive first, then D1, then ack: an event whose archive object could
	// not be written is retried before any of it reaches D1.
	const { archived, failed } = await archiveItems(env.PAYLOADS, ready, Date.now());
	for (const r of failed) failures.push({ message: r.message, error: "archive_unavailable: the R2 archive put failed", permanent: false });
	const { written, rowsWritten, unlisted } = await writeIsolated(env.DB, archived, failures);
	await dropOrphans(
		env.PAYLOADS,
		archived.map((r) => r.processed.event),
		new Set(written.map((r) => r.processed.event.event_id)),
		unlisted,
	);

	// Forwarding hook: the stored events go to the destinations that match
	// them (one delivery each, on the deliveries queue; unhandled ones only to
	// `raw` destinations, see forwarding/fanout.ts), before
	// the acks: if their deliveries cannot be recorded, those messages are
	// retried (the write above is a no-op the second time). The event itself
	// is stored, so it is never dead-lettered for this: on its last attempt
	// it is acked and the lost fan-out logged with the event ids.
	const fanout = await enqueueDeliveries(
		env,
		written.map((r) => r.processed.event),
	);
	const retryFanout = new Set(fanout === null ? written.filter((r) => !shouldDeadLetter(r.message.attempts, false)) : []);
	for (const r of retryFanout)
		failures.push({ message: r.message, error: "deliveries could not be recorded for forwarding", permanent: false });
	if (fanout === null && retryFanout.size < written.length) {
		const abandoned = written.filter((r) => !retryFanout.has(r)).map((r) => r.processed.event.event_id);
		logLine("error", "deliveries_fanout_abandoned", { event_ids: abandoned });
	}
	for (const { message } of written.filter((r) => !retryFanout.has(r))) message.ack();
	const { deadLettered, retried } = await settleFailures(env, failures);

	const latencies = written.map((r) => r.processed.event.latency_ms).sort((a, b) => a - b);
	logLine("info", "batch", {
		queue: batch.queue,
		size: batch.messages.length,
		processed: written.filter((r) => r.processed.event.status === "processed").length,
		unhandled: written.filter((r) => r.processed.event.status === "unhandled").length,
		dead_lettered: deadLettered,
		retried,
		d1_rows_written: rowsWritten,
		// R2 class-A operations: one archive object per (day, source) of the batch.
		r2_puts: new Set(archived.map((r) => r.processed.event.archive_object)).size,
		latency_ms_p50: latencies[Math.floor((latencies.length - 1) / 2)] ?? null,
		latency_ms_max: latencies.at(-1) ?? null,
		duration_ms: Date.now() - started,
	});
}

// One transaction for the whole batch; if it fails, each message is written
// on its own so one bad message cannot hold the others back forever. An id
// stored with other content fails its write atomically (writes.ts), and
// that message becomes an id_conflict dead letter: checked in the write,
// not by a read before it, so two copies racing cannot both pass.
// Returns what was written and the rows D1 reports writing (indexes and
// triggers included: what D1 bills, and what the capacity plan rests on).
// `unlisted` are archive objects whose manifest upsert wrote nothing: every
// event in them was already stored from an earlier copy (orphans).
async function writeIsolated(
	db: D1Database,
	ready: Ready[],
	failures: Failure[],
): Promise<{ written: Ready[]; rowsWritten: number; unlisted: string[] }> {
	if (ready.length === 0) return { written: [], rowsWritten: 0, unlisted: [] };
	const all = ready.map((r) => r.processed.event);
	const now = Date.now();
	try {
		const manifests = manifestStatements(db, all, all, now);
		const results = await db.batch([
			...statementsFor(
				db,
				ready.map((r) => r.processed),
			),
			...manifests.map((m) => m.statement),
		]);
		const listed = results.slice(results.length - manifests.length);
		const unlisted = manifests.filter((_, i) => (listed[i]?.meta?.changes ?? 0) === 0).map((m) => m.key);
		return { written: ready, rowsWritten: rowsWrittenBy(results), unlisted };
	} catch (err) {
		logLine("warn", "batch_write_failed", { size: ready.length, error: describeError(err) });
	}
	const written: Ready[] = [];
	let rowsWritten = 0;
	for (const item of ready) {
		try {
			rowsWritten += rowsWrittenBy(
				await db.batch([
					...statementsFor(db, [item.processed]),
					...manifestStatements(db, [item.processed.event], all, now).map((m) => m.statement),
				]),
			);
			written.push(item);
		} catch (err) {
			// Another copy of this id, with other content, is stored (the
			// database refused this one atomically): a dead letter naming both.
			if (isIdConflict(err)) failures.push({ message: item.message, error: await conflictReason(db, item), permanent: true });
			else failures.push({ message: item.message, error: describeError(err), permanent: false });
		}
	}
	return { written, rowsWritten, unlisted: [] };
}

async function conflictReason(db: D1Database, item: Ready): Promise<string> {
	const stored = (await storedIdentities(db, [item.processed.event.event_id])).get(item.processed.event.event_id);
	return (
		conflictWith(stored, item.processed.event) ??
		`${ID_CONFLICT}: event id ${item.processed.event.event_id} is stored with a different body`
	);
}

const rowsWrittenBy = (results: D1Result[]) => results.reduce((sum, r) => sum + (r.meta?.rows_written ?? 0), 0);

async function settleFailures(env: Env, failures: Failure[]): Promise<{ deadLettered: number; retried: number }> {
	const now = Date.now();
	const dead = failures.filter((f) => shouldDeadLetter(f.message.attempts, f.permanent));
	const retry = failures.filter((f) => !dead.includes(f));
	// Could not dead-letter: retry instead. Past max_retries the queue moves
	// the message to the dead-letter queue itself, so it is never dropped.
	retry.push(...(await sendDeadLetters(env, dead, now)));
	if (retry.length > 0) {
		const rows = retry.flatMap((f) => {
			const parsed = queueMessageSchema.safeParse(f.message.body);
			return parsed.success ? [{ event_id: storedEventId(parsed.data), attempt: f.message.attempts, error: f.error, failed_at: now }] : [];
		});
		// Best effort: the history helps operators, but must not block the retry.
		await env.DB.batch(attemptStatements(env.DB, rows)).catch((err) =>
			logLine("warn", "attempt_history_write_failed", { error: describeError(err) }),
		);
		for (const f of retry) f.message.retry({ delaySeconds: retryDelaySeconds(f.message.attempts) });
	}
	return { deadLettered: dead.length - retry.filter((f) => dead.includes(f)).length, retried: retry.length };
}

const deadLetterBody = (f: Failure, now: number): DeadLetterBody => ({
	dead_letter: { reason: f.permanent ? "permanent" : "retries_exhausted", error: f.error, attempts: f.message.attempts, failed_at: now },
	message: f.message.body,
});

// Sends dead letters in sendBatch calls within Queues' limits (bytes and
// count) and acks each once it is on the dead-letter queue. One too large
// for a queue message is written to dead_letters directly, as the
// dead-letter consumer would. Returns the failures that could be neither.
async function sendDeadLetters(env: Env, dead: Failure[], now: number): Promise<Failure[]> {
	const letters = dead.map((failure) => ({ failure, body: deadLetterBody(failure, now) }));
	const { chunks, oversized } = chunkForSendBatch(letters, (l) => jsonByteLength(l.body));
	const unsent: Failure[] = [];
	for (const chunk of chunks) {
		try {
			await env.DEAD_LETTER_QUEUE.sendBatch(chunk.map(({ body }) => ({ body, contentType: "json" as const })));
			for (const { failure } of chunk) failure.message.ack();
		} catch (err) {
			logLine("error", "dead_letter_send_failed", { size: chunk.length, error: describeError(err) });
			unsent.push(...chunk.map((l) => l.failure));
		}
	}
	const direct = oversized.map(({ item: { failure, body }, bytes }) => ({
		failure,
		bytes,
		message: failure.message,
		row: deadLetterRow(body, failure.message.id, now),
	}));
	if (direct.length > 0) logLine("warn", "dead_letter_too_large_for_queue", { size: direct.length, bytes: direct.map((d) => d.bytes) });
	const { stored, failed } = await storeDeadLetters(env.DB, direct);
	for (const { message } of stored) message.ack();
	return [...unsent, ...failed.map((f) => f.failure)];
}

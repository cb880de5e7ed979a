import { PermanentError } from "../events/contract";
import { readConfig } from "../shared/config";
import { logLine } from "../shared/log";
import { injectChaos } from "./chaos";
import type { DeadLetterBody } from "./dead-letter";
import { type ProcessedEvent, parseMessage, processMessage } from "./process";
import { retryDelaySeconds, shouldDeadLetter } from "./retry-policy";
import { attemptStatements, statementsFor } from "./writes";

interface Failure {
	message: Message<unknown>;
	error: string;
	permanent: boolean;
}

interface Ready {
	message: Message<unknown>;
	processed: ProcessedEvent;
}

const describe = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

// Main queue: process up to 10 events, write them in one D1 transaction, ack.
// Failures are retried with backoff or dead-lettered with their reason.
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const started = Date.now();
	const config = readConfig(env);
	const ready: Ready[] = [];
	const failures: Failure[] = [];

	for (const message of batch.messages) {
		try {
			const parsed = parseMessage(message.body);
			injectChaos(config.chaosFailRate);
			ready.push({ message, processed: processMessage(parsed, message.attempts, Date.now()) });
		} catch (err) {
			failures.push({ message, error: describe(err), permanent: err instanceof PermanentError });
		}
	}

	const written = await writeIsolated(env.DB, ready, failures);
	for (const { message } of written) message.ack();
	const { deadLettered, retried } = await settleFailures(env, failures);

	const latencies = written.map((r) => r.processed.event.latency_ms).sort((a, b) => a - b);
	logLine("info", "batch", {
		queue: batch.queue,
		size: batch.messages.length,
		processed: written.filter((r) => r.processed.event.status === "processed").length,
		unhandled: written.filter((r) => r.processed.event.status === "unhandled").length,
		dead_lettered: deadLettered,
		retried,
		latency_ms_p50: latencies[Math.floor((latencies.length - 1) / 2)] ?? null,
		latency_ms_max: latencies.at(-1) ?? null,
		duration_ms: Date.now() - started,
	});
}

// One transaction for the whole batch; if it fails, each message is written
// on its own so one bad message cannot hold the others back forever.
async function writeIsolated(db: D1Database, ready: Ready[], failures: Failure[]): Promise<Ready[]> {
	if (ready.length === 0) return [];
	try {
		await db.batch(
			statementsFor(
				db,
				ready.map((r) => r.processed),
			),
		);
		return ready;
	} catch (err) {
		logLine("warn", "batch_write_failed", { size: ready.length, error: describe(err) });
	}
	const written: Ready[] = [];
	for (const item of ready) {
		try {
			await db.batch(statementsFor(db, [item.processed]));
			written.push(item);
		} catch (err) {
			failures.push({ message: item.message, error: describe(err), permanent: false });
		}
	}
	return written;
}

async function settleFailures(env: Env, failures: Failure[]): Promise<{ deadLettered: number; retried: number }> {
	const now = Date.now();
	const dead = failures.filter((f) => shouldDeadLetter(f.message.attempts, f.permanent));
	const retry = failures.filter((f) => !dead.includes(f));

	if (dead.length > 0) {
		const bodies: DeadLetterBody[] = dead.map((f) => ({
			dead_letter: {
				reason: f.permanent ? "permanent" : "retries_exhausted",
				error: f.error,
				attempts: f.message.attempts,
				failed_at: now,
			},
			message: f.message.body,
		}));
		try {
			await env.DEAD_LETTER_QUEUE.sendBatch(bodies.map((body) => ({ body, contentType: "json" as const })));
			for (const f of dead) f.message.ack();
		} catch (err) {
			// Could not dead-letter: retry instead. Past max_retries the queue
			// moves it to the dead-letter queue itself, so it is never dropped.
			logLine("error", "dead_letter_send_failed", { size: dead.length, error: describe(err) });
			retry.push(...dead);
		}
	}

	if (retry.length > 0) {
		const rows = retry.flatMap((f) => {
			const eventId = (f.message.body as { event?: { event_id?: unknown } })?.event?.event_id;
			return typeof eventId === "string" ? [{ event_id: eventId, attempt: f.message.attempts, error: f.error, failed_at: now }] : [];
		});
		// Best effort: the history helps operators, but must not block the retry.
		await env.DB.batch(attemptStatements(env.DB, rows)).catch((err) =>
			logLine("warn", "attempt_history_write_failed", { error: describe(err) }),
		);
		for (const f of retry) f.message.retry({ delaySeconds: retryDelaySeconds(f.message.attempts) });
	}
	return { deadLettered: dead.length - retry.filter((f) => dead.includes(f)).length, retried: retry.length };
}

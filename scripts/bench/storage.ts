// The bench's storage step (issue 17): a mixed run — the generator's direct
// events of every type, one POST each, and signed Stripe deliveries — on a
// running local stack, then one retention pass 40 days on. Measures per
// event what is billed: D1 rows written (D1's own meta, summed by the
// consumer's batch log line, and retention's deletes amortised over the
// events they removed), the idempotency shards' SQLite rows written (their own
// cursors' rowsWritten, /api/health), queue operations, R2 class-A puts, and
// the bytes D1 and R2 grew by (SQLite's dbstat on the local database files).
// The bill and the D1 fill times come from those (cost.ts).
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { STRIPE_MIX } from "../../src/sources/fixtures/stripe";
import { createEventFactory, newRunId, seededRandom } from "../events/data";
import { type HttpResult, outcomeOf, postSigned, request, type Target } from "../events/http";
import { DEV_ADMIN_TOKEN, DEV_SECRET } from "../events/options";
import { loadProviderSecrets } from "../events/providers/secrets";
import { signDelivery } from "../events/providers/sign";
import type { SendRecord } from "../events/reconcile";
import { buildReport } from "../events/report";
import { settle } from "../events/settle";
import { openLoop } from "../events/traffic";
import type { LocalStack } from "../stack/local-stack";
import { linesBetween } from "./batch-log";
import { type BillLine, type FillTime, fillTime, monthlyBill, type PerEvent, perMillion } from "./cost";

export interface StoragePlan {
	direct: number;
	stripe: number;
	concurrency: number;
	retentionDays: number;
	drainTimeoutMs: number;
}

export const storagePlan = (quick: boolean): StoragePlan => ({
	direct: quick ? 300 : 2000,
	stripe: quick ? 100 : 500,
	concurrency: 16,
	retentionDays: 30,
	drainTimeoutMs: 120_000,
});

export interface StorageResult {
	plan: StoragePlan;
	events: number;
	lost: number;
	doubleCounted: number;
	consumer: { batches: number; messages: number; d1RowsWritten: number; r2Puts: number };
	retention: { ticks: number; rowsWritten: number; eventsDeleted: number };
	shardRowsWritten: number;
	d1: { usedBytesBefore: number; usedBytesAfter: number; usedBytesAfterRetention: number; byTable: Record<string, number> };
	r2Bytes: number;
	perEvent: PerEvent;
	bills: (BillLine & { perMillion: number })[];
	fill: FillTime[];
}

const DAY_MS = 86_400_000;
const round2 = (v: number) => Math.round(v * 100) / 100;

function filesUnder(dir: string, suffix = ""): string[] {
	let out: string[] = [];
	let entries: string[];
	try {
		entries = readdirSync(dir);
	} catch {
		return out;
	}
	for (const name of entries) {
		const full = path.join(dir, name);
		if (statSync(full).isDirectory()) out = out.concat(filesUnder(full, suffix));
		else if (full.endsWith(suffix)) out.push(full);
	}
	return out;
}

// Pages in use per table and index of the stack's local D1 (dbstat: free
// pages left by deletes are not counted, as SQLite reuses them).
export function d1UsedBytes(persistDir: string): { total: number; byTable: Record<string, number> } {
	const file = filesUnder(path.join(persistDir, "v3", "d1"), ".sqlite")[0];
	if (!file) throw new Error(`no local D1 database under ${persistDir}`);
	const db = new DatabaseSync(file, { readOnly: true });
	try {
		const rows = db.prepare("SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name").all() as { name: string; bytes: number }[];
		const byTable = Object.fromEntries(rows.map((r) => [r.name, Number(r.bytes)]));
		return { total: rows.reduce((n, r) => n + Number(r.bytes), 0), byTable };
	} finally {
		db.close();
	}
}

const r2Bytes = (persistDir: string) => filesUnder(path.join(persistDir, "v3", "r2")).reduce((n, f) => n + statSync(f).size, 0);

async function shardRowsWritten(url: string): Promise<number> {
	const res = await fetch(`${url}/api/health`, { headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}` } });
	const body = (await res.json()) as { idempotency?: { rows_written?: number } };
	return body.idempotency?.rows_written ?? 0;
}

// One scheduled tick at `time` (the retention cutoff comes from it).
async function tick(url: string, time: number): Promise<void> {
	const res = await fetch(`${url}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${time}`);
	if (!res.ok) throw new Error(`scheduled tick answered ${res.status}`);
	await res.arrayBuffer();
}

// The consumer's batch log lines (src/consumer/consume.ts): messages
// delivered (retries included: each is a queue read and delete), D1 rows its
// writes reported, archive objects put.
export function consumerTotals(lines: readonly string[]) {
	const totals = { batches: 0, messages: 0, rows: 0, r2Puts: 0 };
	for (const entry of jsonLines(lines, '"msg":"batch"')) {
		if (typeof entry.d1_rows_written !== "number") continue;
		totals.batches++;
		totals.messages += Number(entry.size ?? 0);
		totals.rows += entry.d1_rows_written;
		totals.r2Puts += Number(entry.r2_puts ?? 0);
	}
	return totals;
}

function jsonLines(lines: readonly string[], marker: string): Record<string, unknown>[] {
	return lines.flatMap((line) => {
		if (!line.includes(marker)) return [];
		try {
			return [JSON.parse(line.slice(line.indexOf("{"), line.lastIndexOf("}") + 1)) as Record<string, unknown>];
		} catch {
			return [];
		}
	});
}

interface RetentionLine {
	rows_written?: number;
	deleted?: Record<string, number>;
	complete?: boolean;
}

const retentionLines = (lines: readonly string[]) => jsonLines(lines, '"msg":"retention"') as RetentionLine[];

async function sendAll(items: readonly (() => Promise<HttpResult>)[], concurrency: number): Promise<HttpResult[]> {
	const results: HttpResult[] = [];
	await openLoop(new Array<number>(items.length).fill(0), { maxInFlight: concurrency, measureFrom: "send" }, async (i) => {
		results[i] = await (items[i] as () => Promise<HttpResult>)();
	});
	return results;
}

export async function storageStep(stack: LocalStack, plan: StoragePlan, seed: number): Promise<StorageResult> {
	const target: Target = { url: stack.url, secret: DEV_SECRET, source: "bench", timeoutMs: 15_000 };
	const runId = newRunId();
	const factory = createEventFactory({ runId, seed, expectedEvents: plan.direct });
	const direct = Array.from({ length: plan.direct }, () => factory.next());
	const secrets = loadProviderSecrets({ configDir: stack.cwd });
	const random = seededRandom(seed);
	const stripeBodies = Array.from({ length: plan.stripe }, (_, i) => {
		const event = structuredClone(STRIPE_MIX[Math.floor(random() * STRIPE_MIX.length)]) as { id: string; created: number };
		event.id = `evt_${runId}_${i}`;
		event.created = Math.floor(Date.now() / 1000) - (plan.stripe - i);
		return JSON.stringify(event);
	});

	const usedBefore = d1UsedBytes(stack.persistDir);
	const r2Before = r2Bytes(stack.persistDir);
	// Wakes every shard, so none is evicted (and its count lost) before the sends.
	const shardBefore = await shardRowsWritten(stack.url);
	const logFrom = stack.logs().length;
	const startedAt = new Date();
	const sends = [
		...direct.map((event) => () => postSigned(target, "/webhook/events", event)),
		...stripeBodies.map((body) => async () => {
			const delivery = await signDelivery("stripe", body, { secret: secrets.stripe });
			return request(target, { method: "POST", path: "/webhook/stripe", body: delivery.body, headers: delivery.headers });
		}),
	];
	// Interleaved, as real traffic is.
	const order = sends.map((_, i) => i).sort((a, b) => ((a * 7919) % sends.length) - ((b * 7919) % sends.length));
	const started = performance.now();
	const results = await sendAll(
		order.map((i) => sends[i] as () => Promise<HttpResult>),
		plan.concurrency,
	);
	const windowMs = performance.now() - started;
	// At once: the shards count in memory, and an idle object may be evicted.
	const shardAfter = await shardRowsWritten(stack.url);
	const byIndex = new Map(order.map((i, k) => [i, results[k] as HttpResult]));
	const records: SendRecord[] = direct.map((event, i) => {
		const result = byIndex.get(i) as HttpResult;
		return { eventId: event.event_id, intent: "valid", outcome: outcomeOf(result), ackMs: result.ms };
	});
	const stripeAccepted = stripeBodies.filter((_, i) => (byIndex.get(direct.length + i)?.status ?? 0) === 202).length;
	const settled = await settle(records, {
		d1: { persistDir: stack.persistDir, configDir: stack.cwd },
		url: stack.url,
		adminToken: DEV_ADMIN_TOKEN,
		runId,
		timeoutMs: plan.drainTimeoutMs,
	});
	const report = buildReport({ scenario: "storage", runId, url: stack.url, startedAt, records, windowMs, ...settled });
	// Every Stripe delivery landed too (the backlog is 0 once settled).
	const consumerLog = consumerTotals(linesBetween(stack.logs(), logFrom, stack.logs().length));
	const usedAfter = d1UsedBytes(stack.persistDir);
	const r2After = r2Bytes(stack.persistDir);
	const events = direct.length + stripeAccepted;

	// Retention 40 days on, tick after tick until a pass completes.
	const retentionFrom = stack.logs().length;
	const later = Date.now() + (plan.retentionDays + 10) * DAY_MS;
	let ticks = 0;
	let retention: RetentionLine[] = [];
	do {
		await tick(stack.url, later + ticks * 60_000);
		ticks++;
		await new Promise((r) => setTimeout(r, 500));
		retention = retentionLines(linesBetween(stack.logs(), retentionFrom, stack.logs().length));
	} while (ticks < 20 && retention.at(-1)?.complete !== true);
	const retentionRows = retention.reduce((n, l) => n + (l.rows_written ?? 0), 0);
	const eventsDeleted = retention.reduce((n, l) => n + (l.deleted?.events ?? 0), 0);
	const usedAfterRetention = d1UsedBytes(stack.persistDir).total;

	const perEvent: PerEvent = {
		workerRequests: round2(1 + consumerLog.batches / events),
		durableObjectRequests: 1,
		shardRowsWritten: round2((shardAfter - shardBefore) / events),
		queueOperations: round2((3 * consumerLog.messages) / events),
		d1RowsWritten: round2(consumerLog.rows / events),
		d1RetentionRowsWritten: eventsDeleted > 0 ? round2(retentionRows / eventsDeleted) : 0,
		r2ClassA: round2(consumerLog.r2Puts / events),
		d1Bytes: Math.round((usedAfter.total - usedBefore.total) / events),
		d1BytesFreedByRetention: eventsDeleted > 0 ? Math.round((usedAfter.total - usedAfterRetention) / eventsDeleted) : 0,
		r2Bytes: Math.round((r2After - r2Before) / events),
	};
	return {
		plan,
		events,
		lost: report.lost,
		doubleCounted: report.doubleCounted,
		consumer: { batches: consumerLog.batches, messages: consumerLog.messages, d1RowsWritten: consumerLog.rows, r2Puts: consumerLog.r2Puts },
		retention: { ticks, rowsWritten: retentionRows, eventsDeleted },
		shardRowsWritten: shardAfter - shardBefore,
		d1: {
			usedBytesBefore: usedBefore.total,
			usedBytesAfter: usedAfter.total,
			usedBytesAfterRetention: usedAfterRetention,
			// Growth per table and index over the run, bytes per event.
			byTable: Object.fromEntries(
				Object.entries(usedAfter.byTable)
					.map(([name, bytes]) => [name, round2((bytes - (usedBefore.byTable[name] ?? 0)) / events)] as const)
					.filter(([, perEvent]) => perEvent !== 0),
			),
		},
		r2Bytes: r2After - r2Before,
		perEvent,
		bills: [1e6, 1e7, 1e8].map((volume) => {
			const bill = monthlyBill(perEvent, volume);
			return { ...bill, perMillion: perMillion(bill) };
		}),
		fill: [10, 100].map((rate) => fillTime(perEvent, rate, plan.retentionDays)),
	};
}

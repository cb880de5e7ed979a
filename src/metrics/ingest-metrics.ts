import { DurableObject } from "cloudflare:workers";
import { ACK_BUCKETS_MS, bucketOf, cumulate, type Histogram } from "./histogram";
import { type IngestSample, receivedIn } from "./ingest-sample";

// Per-minute rows are kept this long (the widest /api/stats window is 7 d).
const RETENTION_MS = 8 * 24 * 60 * 60 * 1000;
const PURGE_EVERY_MS = 60 * 60 * 1000;

export interface IngestCounts {
	accepted: number;
	duplicates: number;
	rejected: Record<string, number>;
}

export interface IngestSnapshot {
	// All-time rejections by reason. All-time accepted and duplicate counts
	// come from the idempotency objects, so they are not kept here twice.
	rejected: Record<string, number>;
	// Only the minutes at or after `since`.
	window: IngestCounts;
	ack: Histogram;
}

// What GET /api/sources shows per source: requests by outcome, all time.
export interface SourceCounts {
	received: number;
	accepted: number;
	duplicates: number;
	control: number;
	rejected: Record<string, number>;
	last_seen: number | null;
}

const REJECTED = "rejected:";
const SOURCE = "source:";

const emptyCounts = (): IngestCounts => ({ accepted: 0, duplicates: 0, rejected: {} });
export const emptySourceCounts = (): SourceCounts => ({
	received: 0,
	accepted: 0,
	duplicates: 0,
	control: 0,
	rejected: {},
	last_seen: null,
});

// Durable ingest counters the ack path cannot keep in D1 (it never writes
// there): rejections by reason and ack latency, plus per-minute counts for
// windowed stats. SQLite-backed, sharded; the ack path records into a random
// shard after answering (waitUntil), so it never waits on this.
export class IngestMetrics extends DurableObject<Env> {
	private readonly sql: SqlStorage;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.sql.exec(`
			CREATE TABLE IF NOT EXISTS totals (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
			CREATE TABLE IF NOT EXISTS minutes (minute INTEGER NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (minute, name));
		`);
	}

	async record(samples: IngestSample[]): Promise<void> {
		for (const s of samples) {
			const counts: [string, number][] = [
				["accepted", s.accepted],
				["duplicates", s.duplicates],
				...Object.entries(s.rejected).map(([reason, n]): [string, number] => [`${REJECTED}${reason}`, n]),
			];
			for (const [name, n] of counts) {
				if (n === 0) continue;
				if (name.startsWith(REJECTED)) this.addTotal(name, n);
				this.sql.exec(
					"INSERT INTO minutes (minute, name, value) VALUES (?, ?, ?) ON CONFLICT (minute, name) DO UPDATE SET value = value + excluded.value",
					s.minute,
					name,
					n,
				);
			}
			this.recordSource(s);
			this.addTotal(`ack_bucket:${bucketOf(s.ackMs) ?? "inf"}`, 1);
			this.addTotal("ack_count", 1);
			this.addTotal("ack_sum_ms", Math.round(s.ackMs));
		}
		if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + PURGE_EVERY_MS);
	}

	snapshot(since: number): IngestSnapshot {
		const totals = new Map(
			this.sql
				.exec<{ name: string; value: number }>("SELECT name, value FROM totals")
				.toArray()
				.map((r) => [r.name, r.value]),
		);
		const window = this.sql
			.exec<{ name: string; value: number }>("SELECT name, sum(value) AS value FROM minutes WHERE minute >= ? GROUP BY name", since)
			.toArray();
		const perBucket = new Map(ACK_BUCKETS_MS.map((le) => [le, totals.get(`ack_bucket:${le}`) ?? 0]));
		return {
			rejected: countsOf(totals).rejected,
			window: countsOf(new Map(window.map((r) => [r.name, r.value]))),
			ack: cumulate(ACK_BUCKETS_MS, perBucket, totals.get("ack_count") ?? 0, totals.get("ack_sum_ms") ?? 0),
		};
	}

	// Per-source totals, keyed "source:<name>:<counter>" in totals.
	sources(): Record<string, SourceCounts> {
		const rows = this.sql
			.exec<{ name: string; value: number }>("SELECT name, value FROM totals WHERE name >= ? AND name < ?", SOURCE, "source;")
			.toArray();
		const bySource = new Map<string, SourceCounts>();
		for (const { name, value } of rows) {
			const [source = "", counter = "", reason] = name.slice(SOURCE.length).split(":");
			const counts = bySource.get(source) ?? emptySourceCounts();
			bySource.set(source, counts);
			if (counter === "rejected" && reason !== undefined) counts.rejected[reason] = value;
			else if (counter === "last_seen") counts.last_seen = value;
			else if (counter === "received" || counter === "accepted" || counter === "duplicates" || counter === "control")
				counts[counter] = value;
		}
		return Object.fromEntries(bySource);
	}

	override async alarm(): Promise<void> {
		this.sql.exec("DELETE FROM minutes WHERE minute < ?", Date.now() - RETENTION_MS);
		await this.ctx.storage.setAlarm(Date.now() + PURGE_EVERY_MS);
	}

	private recordSource(s: IngestSample): void {
		const key = `${SOURCE}${s.source}:`;
		const counts: [string, number][] = [
			["received", receivedIn(s)],
			["accepted", s.accepted],
			["duplicates", s.duplicates],
			["control", s.control],
			...Object.entries(s.rejected).map(([reason, n]): [string, number] => [`rejected:${reason}`, n]),
		];
		for (const [counter, n] of counts) if (n > 0) this.addTotal(key + counter, n);
		this.sql.exec(
			"INSERT INTO totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)",
			`${key}last_seen`,
			s.at,
		);
	}

	private addTotal(name: string, by: number): void {
		this.sql.exec(
			"INSERT INTO totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
			name,
			by,
		);
	}
}

function countsOf(values: ReadonlyMap<string, number>): IngestCounts {
	const counts = emptyCounts();
	for (const [name, value] of values) {
		if (name === "accepted") counts.accepted = value;
		else if (name === "duplicates") counts.duplicates = value;
		else if (name.startsWith(REJECTED)) counts.rejected[name.slice(REJECTED.length)] = value;
	}
	return counts;
}

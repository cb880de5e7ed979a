import { DurableObject } from "cloudflare:workers";
import { configFor } from "../shared/config";
import {
	BODY_KEY_GLOB,
	type ClaimOutcome,
	type ClaimRequest,
	claimKeys,
	combineClaims,
	decideClaim,
	isBodyKey,
	PENDING_LEASE_MS,
	type ShardOutcome,
	type StoredClaim,
} from "./claims";
import { enqueue, type Outgoing, queueForShard } from "./outbox";

export interface ShardCounters {
	accepted: number;
	duplicates: number;
	conflicts: number;
	in_flight: number;
	live_claims: number;
	// SQLite rows this object wrote since it started (in memory, not stored:
	// counting them must not write rows). What the bench prices per event.
	rows_written: number;
}

// A claim whose enqueue is in flight lives only in memory (the object is
// single-threaded, and a crash loses it the way a lapsed lease did): a
// committed claim is the one row written per event. Committed claims go to
// one WITHOUT ROWID table per generation of IDEMPOTENCY_TTL (no expiry
// index); a row of generation g expires before generation g + 2 starts, so
// the alarm drops whole tables instead of deleting rows.
interface Pending {
	bodyHash: string;
	token: string;
	expiresAt: number;
}

const GENERATION_PREFIX = "claims_g";

// One shard of the idempotency store: a SQLite-backed Durable Object, and the
// whole ack path for the ids that hash to it. Each claim/commit/release does
// all of its work synchronously, so it runs atomically with respect to every
// other call on this shard: two concurrent copies of one event can never both
// be told "new".
export class IdempotencyShard extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	private readonly ttlMs: number;
	private readonly pending = new Map<string, Pending>();
	private generations: number[] = [];
	private legacy = false;
	private alarmAt: number | null = null;
	private rowsWritten = 0;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.ttlMs = configFor(env).idempotencyTtlMs;
		this.sql.exec("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
		this.loadGenerations();
		this.countAcceptedByRows();
	}

	// "accepted" is not bumped per commit (a second row written per event):
	// it is the stored 'accepted' base plus the event rows of the live
	// generations, and the alarm folds a generation's rows into the base as it
	// drops the table. A shard written before this counted every commit into
	// 'accepted' already, so once, its live rows are taken back out of the base.
	private countAcceptedByRows(): void {
		if (this.sql.exec("SELECT 1 FROM counters WHERE name = 'accepted_by_rows'").toArray().length > 0) return;
		const live = this.tables().reduce((n, table) => n + this.eventRows(table), 0);
		this.ctx.storage.transactionSync(() => {
			this.bump("accepted", -live);
			this.write("INSERT INTO counters (name, value) VALUES ('accepted_by_rows', 1)");
		});
	}

	// Committed event claims in one generation table (body keys are not events).
	private eventRows(table: string): number {
		return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE event_id NOT GLOB ?`, BODY_KEY_GLOB).one().n;
	}

	// The ack path in one hop: claim every id, send the new ones to this
	// shard's events queue, then commit what is on the queue and release what
	// is not, so a sender's retry of a failed send is accepted rather than told
	// "duplicate". While the send is in flight other calls run; they see the
	// pending claims and answer "in_flight". If this object dies mid-send, the
	// pending claims die with it.
	async accept(items: Outgoing[], shard: number): Promise<ShardOutcome[]> {
		const token = crypto.randomUUID();
		const claims = await this.claim(items, token);
		const fresh = items.filter((_, i) => claims[i] === "new");
		if (fresh.length === 0) return claims as ShardOutcome[];
		const { sent, unsent } = await enqueue(queueForShard(this.env, shard), fresh);
		const bodyKeysOf = (ids: string[]) => {
			const wanted = new Set(ids);
			return fresh.flatMap((item) => (item.bodyKey !== undefined && wanted.has(item.eventId) ? [item.bodyKey] : []));
		};
		if (unsent.length > 0) this.release(unsent, token, bodyKeysOf(unsent));
		if (sent.length > 0) await this.commit(sent, token, bodyKeysOf(sent));
		const onQueue = new Set(sent);
		return items.map((item, i) => {
			const claim = claims[i] ?? "in_flight";
			if (claim !== "new") return claim;
			return onQueue.has(item.eventId) ? "accepted" : "queue_unavailable";
		});
	}

	// Each request's keys (its id, and its body key if any) are decided
	// together and, when all are new, claimed together with one token, so
	// commit and release move them as one.
	async claim(requests: ClaimRequest[], token: string): Promise<ClaimOutcome[]> {
		const now = Date.now();
		const bumps = { duplicates: 0, conflicts: 0, in_flight: 0 };
		const outcomes = requests.map((request) => {
			const keys = claimKeys(request);
			const outcome = combineClaims(keys.map((key) => decideClaim(this.stored(key, now), request.bodyHash, now)));
			if (outcome === "new") {
				for (const key of keys) this.pending.set(key, { bodyHash: request.bodyHash, token, expiresAt: now + PENDING_LEASE_MS });
			} else bumps[outcome === "duplicate" ? "duplicates" : outcome === "conflict" ? "conflicts" : "in_flight"]++;
			return outcome;
		});
		for (const [name, by] of Object.entries(bumps)) this.bump(name, by);
		return outcomes;
	}

	// pending → committed, only for claims this caller (token) still holds:
	// one row per key in the current generation, which is also what counts it
	// as accepted. Body keys move with their events but are not events.
	async commit(eventIds: string[], token: string, bodyKeys: string[] = []): Promise<number> {
		const now = Date.now();
		const committed = this.commitHeld(eventIds, token, now);
		this.commitHeld(bodyKeys, token, now);
		await this.schedulePurge(now);
		return committed;
	}

	private commitHeld(keys: string[], token: string, now: number): number {
		if (keys.length === 0) return 0;
		const expiresAt = now + this.ttlMs;
		const table = this.generationTable(now);
		let committed = 0;
		for (const eventId of keys) {
			const held = this.pending.get(eventId);
			if (!held || held.token !== token) continue;
			this.pending.delete(eventId);
			// An expired row of this id in this very generation (only when the
			// window was shortened, or in tests) is overwritten, not added: it
			// counts as accepted once already, so this acceptance is bumped.
			if (this.sql.exec(`SELECT 1 FROM ${table} WHERE event_id = ?`, eventId).toArray().length > 0 && !isBodyKey(eventId)) {
				this.bump("accepted", 1);
			}
			this.write(
				`INSERT INTO ${table} (event_id, body_hash, expires_at) VALUES (?, ?, ?)
				 ON CONFLICT (event_id) DO UPDATE SET body_hash = excluded.body_hash, expires_at = excluded.expires_at`,
				eventId,
				held.bodyHash,
				expiresAt,
			);
			committed++;
		}
		return committed;
	}

	// Drops claims whose enqueue failed, so the sender's retry is accepted.
	release(eventIds: string[], token: string, bodyKeys: string[] = []): number {
		for (const key of bodyKeys) if (this.pending.get(key)?.token === token) this.pending.delete(key);
		let released = 0;
		for (const eventId of eventIds) {
			if (this.pending.get(eventId)?.token !== token) continue;
			this.pending.delete(eventId);
			released++;
		}
		return released;
	}

	counters(): ShardCounters {
		const now = Date.now();
		const values = Object.fromEntries(
			this.sql
				.exec<{ name: string; value: number }>("SELECT name, value FROM counters")
				.toArray()
				.map((r) => [r.name, r.value]),
		);
		// Live event claims: body keys are not events.
		let live = [...this.pending].filter(([key, p]) => p.expiresAt > now && !isBodyKey(key)).length;
		let committed = 0;
		for (const table of this.tables()) {
			const counts = this.sql
				.exec<{ all: number; live: number }>(
					`SELECT count(*) AS "all", coalesce(sum(expires_at > ?), 0) AS live FROM ${table} WHERE event_id NOT GLOB ?`,
					now,
					BODY_KEY_GLOB,
				)
				.one();
			committed += counts.all;
			live += counts.live;
		}
		return {
			accepted: (values.accepted ?? 0) + committed,
			duplicates: values.duplicates ?? 0,
			conflicts: values.conflicts ?? 0,
			in_flight: values.in_flight ?? 0,
			live_claims: live,
			rows_written: this.rowsWritten,
		};
	}

	// Drops every generation whose rows have all expired (and the table of
	// claims kept before generations, once it holds none that are live).
	override async alarm(): Promise<void> {
		const now = Date.now();
		const current = this.generation(now);
		this.loadGenerations();
		for (const g of this.generations.filter((g) => g <= current - 2)) {
			const table = `${GENERATION_PREFIX}${g}`;
			this.ctx.storage.transactionSync(() => {
				this.bump("accepted", this.eventRows(table));
				this.write(`DROP TABLE ${table}`);
			});
		}
		if (this.legacy) {
			this.write("DELETE FROM claims WHERE expires_at <= ?", now);
			if (this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM claims").one().n === 0) this.sql.exec("DROP TABLE claims");
		}
		this.loadGenerations();
		this.alarmAt = null;
		if (this.generations.length > 0 || this.legacy) await this.schedulePurge(now);
	}

	// A stored claim for this id: in flight here, or committed in a live
	// generation (newest first), or in the table kept before generations.
	private stored(eventId: string, now: number): StoredClaim | null {
		const held = this.pending.get(eventId);
		if (held && held.expiresAt > now) return { body_hash: held.bodyHash, state: "pending", expires_at: held.expiresAt };
		if (held) this.pending.delete(eventId);
		for (const table of this.tables()) {
			const row = this.sql
				.exec<{ body_hash: string; expires_at: number }>(`SELECT body_hash, expires_at FROM ${table} WHERE event_id = ?`, eventId)
				.toArray()[0];
			if (row && row.expires_at > now) return { body_hash: row.body_hash, state: "committed", expires_at: row.expires_at };
		}
		if (this.legacy) {
			const row = this.sql
				.exec<{ body_hash: string; state: string; expires_at: number }>(
					"SELECT body_hash, state, expires_at FROM claims WHERE event_id = ?",
					eventId,
				)
				.toArray()[0];
			if (row && row.expires_at > now) return row as StoredClaim;
		}
		return null;
	}

	private generation(now: number): number {
		return Math.floor(now / this.ttlMs);
	}

	private generationTable(now: number): string {
		const g = this.generation(now);
		if (!this.generations.includes(g)) {
			this.write(
				`CREATE TABLE IF NOT EXISTS ${GENERATION_PREFIX}${g} (event_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
			);
			this.generations = [g, ...this.generations].sort((a, b) => b - a);
		}
		return `${GENERATION_PREFIX}${g}`;
	}

	private tables(): string[] {
		return this.generations.map((g) => `${GENERATION_PREFIX}${g}`);
	}

	private loadGenerations(): void {
		const names = this.sql
			.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'claims_g%' OR name = 'claims')")
			.toArray()
			.map((r) => r.name);
		this.legacy = names.includes("claims");
		this.generations = names
			.filter((n) => n.startsWith(GENERATION_PREFIX))
			.map((n) => Number(n.slice(GENERATION_PREFIX.length)))
			.filter(Number.isInteger)
			.sort((a, b) => b - a);
	}

	private write(sql: string, ...bindings: unknown[]): void {
		this.rowsWritten += this.sql.exec(sql, ...bindings).rowsWritten;
	}

	private bump(name: string, by: number): void {
		if (by === 0) return;
		this.write(
			"INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
			name,
			by,
		);
	}

	// The next drop is due when the generation after next starts. An alarm,
	// once set, stays until it fires (alarm() then sets the next), so this
	// instance only asks storage until it has seen one.
	private async schedulePurge(now: number): Promise<void> {
		if (this.alarmAt !== null) return;
		const due = roundUp((this.generation(now) + 1) * this.ttlMs + PURGE_MARGIN_MS);
		const current = await this.ctx.storage.getAlarm();
		if (current === null) await this.ctx.storage.setAlarm(due);
		this.alarmAt = current ?? due;
	}
}

// Drops run a little after a generation boundary, batched to the minute.
const PURGE_MARGIN_MS = 60_000;
const PURGE_GRANULARITY_MS = 60_000;

function roundUp(at: number): number {
	return Math.ceil(at / PURGE_GRANULARITY_MS) * PURGE_GRANULARITY_MS;
}

import { DurableObject } from "cloudflare:workers";
import { configFor } from "../shared/config";
import {
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
import { ClaimGenerations } from "./generations";
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
// committed claim is the one row written per event, in the generation
// tables of ./generations.ts, which the alarm drops whole.
interface Pending {
	bodyHash: string;
	token: string;
	expiresAt: number;
}

// One shard of the idempotency store: a SQLite-backed Durable Object, and the
// whole ack path for the ids that hash to it. Each claim/commit/release does
// all of its work synchronously, so it runs atomically with respect to every
// other call on this shard: two concurrent copies of one event can never both
// be told "new".
export class IdempotencyShard extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	private readonly ttlMs: number;
	private readonly pending = new Map<string, Pending>();
	private readonly claims: ClaimGenerations;
	private alarmAt: number | null = null;
	private rowsWritten = 0;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.ttlMs = configFor(env).idempotencyTtlMs;
		this.sql.exec("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
		this.claims = new ClaimGenerations(this.sql, this.ttlMs, (sql, ...bindings) => this.write(sql, ...bindings));
		this.countAcceptedByRows();
	}

	// "accepted" is not bumped per commit (a second row written per event):
	// it is the stored 'accepted' base plus the event rows of the live
	// generations, and the alarm folds a generation's rows into the base as it
	// drops the table. A shard written before this counted every commit into
	// 'accepted' already, so once, its live rows are taken back out of the base.
	private countAcceptedByRows(): void {
		if (this.sql.exec("SELECT 1 FROM counters WHERE name = 'accepted_by_rows'").toArray().length > 0) return;
		const live = this.claims.eventCounts(Date.now()).all;
		this.ctx.storage.transactionSync(() => {
			this.bump("accepted", -live);
			this.write("INSERT INTO counters (name, value) VALUES ('accepted_by_rows', 1)");
		});
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
		const table = this.claims.tableFor(now);
		let committed = 0;
		for (const key of keys) {
			const held = this.pending.get(key);
			if (!held || held.token !== token) continue;
			this.pending.delete(key);
			// An expired row of this key in this very generation (only when the
			// window was shortened, or in tests) is overwritten, not added: it
			// counts as accepted once already, so this acceptance is bumped.
			if (this.claims.commit(table, key, held.bodyHash, expiresAt) && !isBodyKey(key)) this.bump("accepted", 1);
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
		const committed = this.claims.eventCounts(now);
		live += committed.live;
		return {
			accepted: (values.accepted ?? 0) + committed.all,
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
		// A dropped generation's event rows move into the stored base of the
		// accepted count in the same transaction.
		this.ctx.storage.transactionSync(() => this.claims.purge(now, (table) => this.bump("accepted", this.claims.eventRows(table))));
		this.alarmAt = null;
		if (this.claims.any) await this.schedulePurge(now);
	}

	// A stored claim for this id: in flight here, or committed in a live
	// generation (newest first), or in the table kept before generations.
	private stored(eventId: string, now: number): StoredClaim | null {
		const held = this.pending.get(eventId);
		if (held && held.expiresAt > now) return { body_hash: held.bodyHash, state: "pending", expires_at: held.expiresAt };
		if (held) this.pending.delete(eventId);
		return this.claims.lookup(eventId, now);
	}

	private write(sql: string, ...bindings: unknown[]): number {
		const written = this.sql.exec(sql, ...bindings).rowsWritten;
		this.rowsWritten += written;
		return written;
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
		const due = roundUp((this.claims.generation(now) + 1) * this.ttlMs + PURGE_MARGIN_MS);
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

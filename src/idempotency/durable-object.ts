import { DurableObject } from "cloudflare:workers";
import { configFor } from "../shared/config";
import {
	BODY_KEY_GLOB,
	type ClaimOutcome,
	type ClaimRequest,
	claimKeys,
	combineClaims,
	decideClaim,
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
}

// Purges are batched: an alarm fires at most about once a minute per shard.
const PURGE_GRANULARITY_MS = 60_000;

// One shard of the idempotency store: a SQLite-backed Durable Object, and the
// whole ack path for the ids that hash to it. Each claim/commit/release does
// all of its SQL synchronously, so it runs atomically with respect to every
// other call on this shard: two concurrent copies of one event can never both
// be told "new".
export class IdempotencyShard extends DurableObject<Env> {
	private readonly sql: SqlStorage;
	private readonly ttlMs: number;
	private purgeScheduled = false;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		this.ttlMs = configFor(env).idempotencyTtlMs;
		this.sql.exec(`
			CREATE TABLE IF NOT EXISTS claims (
				event_id   TEXT PRIMARY KEY,
				body_hash  TEXT NOT NULL,
				state      TEXT NOT NULL,
				token      TEXT NOT NULL,
				expires_at INTEGER NOT NULL
			);
			CREATE INDEX IF NOT EXISTS claims_expiry ON claims (expires_at);
			CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
		`);
	}

	// The ack path in one hop: claim every id, send the new ones to this
	// shard's events queue, then commit what is on the queue and release what
	// is not, so a sender's retry of a failed send is accepted rather than told
	// "duplicate". While the send is in flight other calls run; they see the
	// pending claims and answer "in_flight". If this object dies mid-send, the
	// pending claims lapse after PENDING_LEASE_MS.
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
		const outcomes = requests.map((request) => {
			const keys = claimKeys(request);
			const outcome = combineClaims(keys.map((key) => decideClaim(this.storedClaim(key), request.bodyHash, now)));
			if (outcome === "new") {
				for (const key of keys) {
					this.sql.exec(
						`INSERT INTO claims (event_id, body_hash, state, token, expires_at) VALUES (?, ?, 'pending', ?, ?)
						 ON CONFLICT (event_id) DO UPDATE SET body_hash = excluded.body_hash, state = 'pending',
						   token = excluded.token, expires_at = excluded.expires_at`,
						key,
						request.bodyHash,
						token,
						now + PENDING_LEASE_MS,
					);
				}
			} else {
				this.bump(outcome === "duplicate" ? "duplicates" : outcome === "conflict" ? "conflicts" : "in_flight", 1);
			}
			return outcome;
		});
		if (outcomes.includes("new")) await this.schedulePurge(now + PENDING_LEASE_MS);
		return outcomes;
	}

	private storedClaim(key: string): StoredClaim | null {
		return (
			this.sql
				.exec<Pick<StoredClaim, "body_hash" | "state" | "expires_at">>(
					"SELECT body_hash, state, expires_at FROM claims WHERE event_id = ?",
					key,
				)
				.toArray()[0] ?? null
		);
	}

	// pending → committed, only for claims this caller (token) still holds.
	// Body keys move with their events but are not events: not counted.
	async commit(eventIds: string[], token: string, bodyKeys: string[] = []): Promise<number> {
		const expiresAt = Date.now() + this.ttlMs;
		const sql = "UPDATE claims SET state = 'committed', expires_at = ? WHERE event_id = ? AND token = ? AND state = 'pending' RETURNING 1";
		const committed = this.changeHeldClaims(eventIds, token, sql, expiresAt);
		this.changeHeldClaims(bodyKeys, token, sql, expiresAt);
		this.bump("accepted", committed);
		await this.schedulePurge(expiresAt);
		return committed;
	}

	// Drops claims whose enqueue failed, so the sender's retry is accepted.
	release(eventIds: string[], token: string, bodyKeys: string[] = []): number {
		const sql = "DELETE FROM claims WHERE event_id = ? AND token = ? AND state = 'pending' RETURNING 1";
		this.changeHeldClaims(bodyKeys, token, sql);
		return this.changeHeldClaims(eventIds, token, sql);
	}

	counters(): ShardCounters {
		const values = Object.fromEntries(
			this.sql
				.exec<{ name: string; value: number }>("SELECT name, value FROM counters")
				.toArray()
				.map((r) => [r.name, r.value]),
		);
		const live = this.sql
			.exec<{ n: number }>("SELECT count(*) AS n FROM claims WHERE expires_at > ? AND event_id NOT GLOB ?", Date.now(), BODY_KEY_GLOB)
			.one().n;
		return {
			accepted: values.accepted ?? 0,
			duplicates: values.duplicates ?? 0,
			conflicts: values.conflicts ?? 0,
			in_flight: values.in_flight ?? 0,
			live_claims: live,
		};
	}

	override async alarm(): Promise<void> {
		const now = Date.now();
		this.sql.exec("DELETE FROM claims WHERE expires_at <= ?", now);
		const next = this.sql.exec<{ next: number | null }>("SELECT min(expires_at) AS next FROM claims").one().next;
		this.purgeScheduled = false;
		if (next !== null) await this.schedulePurge(next);
	}

	// Runs `sql` (ending "event_id = ? AND token = ? … RETURNING 1") per id and
	// counts the rows it touched: rowsWritten would also count index writes.
	private changeHeldClaims(eventIds: string[], token: string, sql: string, ...leading: unknown[]): number {
		let changed = 0;
		for (const eventId of eventIds) changed += this.sql.exec(sql, ...leading, eventId, token).toArray().length;
		return changed;
	}

	private bump(name: string, by: number): void {
		if (by === 0) return;
		this.sql.exec(
			"INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
			name,
			by,
		);
	}

	// An alarm, once set, stays until it fires (alarm() then sets the next), so
	// this instance only asks storage until it has seen one: the ack path does
	// not pay a getAlarm per call.
	private async schedulePurge(expiresAt: number): Promise<void> {
		if (this.purgeScheduled) return;
		const current = await this.ctx.storage.getAlarm();
		if (current === null) await this.ctx.storage.setAlarm(roundUp(expiresAt));
		this.purgeScheduled = true;
	}
}

function roundUp(at: number): number {
	return Math.ceil(at / PURGE_GRANULARITY_MS) * PURGE_GRANULARITY_MS;
}

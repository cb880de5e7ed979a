import { BODY_KEY_GLOB, type StoredClaim } from "./claims";

// Committed claims on a shard's SQLite: one WITHOUT ROWID table per
// generation of IDEMPOTENCY_TTL (no expiry index). A row of generation g
// expires before generation g + 2 starts, so expired claims go by dropping
// whole tables instead of deleting rows. Also reads the single `claims` table
// shards kept before generations, until it holds nothing live. Every write
// goes through `write`, so the shard counts the rows it writes; it returns
// the statement's rows written.

const PREFIX = "claims_g";

export type SqlWrite = (sql: string, ...bindings: unknown[]) => number;

export class ClaimGenerations {
	private generations: number[] = [];
	private legacy = false;

	constructor(
		private readonly sql: SqlStorage,
		private readonly ttlMs: number,
		private readonly write: SqlWrite,
	) {
		this.load();
	}

	// Whether anything is stored that a later purge must look at.
	get any(): boolean {
		return this.generations.length > 0 || this.legacy;
	}

	generation(now: number): number {
		return Math.floor(now / this.ttlMs);
	}

	private tables(): string[] {
		return this.generations.map((g) => `${PREFIX}${g}`);
	}

	// The current generation's table, created on its first commit.
	tableFor(now: number): string {
		const g = this.generation(now);
		if (!this.generations.includes(g)) {
			this.write(
				`CREATE TABLE IF NOT EXISTS ${PREFIX}${g} (event_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
			);
			this.generations = [g, ...this.generations].sort((a, b) => b - a);
		}
		return `${PREFIX}${g}`;
	}

	// A live committed claim for this key: newest generation first, then the
	// table kept before generations.
	lookup(key: string, now: number): StoredClaim | null {
		for (const table of this.tables()) {
			const row = this.sql
				.exec<{ body_hash: string; expires_at: number }>(`SELECT body_hash, expires_at FROM ${table} WHERE event_id = ?`, key)
				.toArray()[0];
			if (row && row.expires_at > now) return { body_hash: row.body_hash, state: "committed", expires_at: row.expires_at };
		}
		if (this.legacy) {
			const row = this.sql
				.exec<{ body_hash: string; state: string; expires_at: number }>(
					"SELECT body_hash, state, expires_at FROM claims WHERE event_id = ?",
					key,
				)
				.toArray()[0];
			if (row && row.expires_at > now) return row as StoredClaim;
		}
		return null;
	}

	// Commits a key in `table`. Returns whether a row of it was there already
	// (expired: live ones are never claimed again), which it overwrites. The
	// insert alone is the usual case: one statement, no read before it.
	commit(table: string, key: string, bodyHash: string, expiresAt: number): boolean {
		const inserted = this.write(
			`INSERT INTO ${table} (event_id, body_hash, expires_at) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
			key,
			bodyHash,
			expiresAt,
		);
		if (inserted > 0) return false;
		this.write(`UPDATE ${table} SET body_hash = ?, expires_at = ? WHERE event_id = ?`, bodyHash, expiresAt, key);
		return true;
	}

	// Committed event claims in one table (body keys are not events).
	eventRows(table: string): number {
		return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE event_id NOT GLOB ?`, BODY_KEY_GLOB).one().n;
	}

	// Event claims in the live generations: all of them, and those not expired.
	eventCounts(now: number): { all: number; live: number } {
		let all = 0;
		let live = 0;
		for (const table of this.tables()) {
			const counts = this.sql
				.exec<{ all: number; live: number }>(
					`SELECT count(*) AS "all", coalesce(sum(expires_at > ?), 0) AS live FROM ${table} WHERE event_id NOT GLOB ?`,
					now,
					BODY_KEY_GLOB,
				)
				.one();
			all += counts.all;
			live += counts.live;
		}
		return { all, live };
	}

	// Drops every generation whose rows have all expired, each after
	// `beforeDrop` has seen it (the shard folds its rows into the accepted
	// count), and the legacy table's expired rows (the table, once empty).
	purge(now: number, beforeDrop: (table: string) => void): void {
		this.load();
		const current = this.generation(now);
		for (const g of this.generations.filter((g) => g <= current - 2)) {
			const table = `${PREFIX}${g}`;
			beforeDrop(table);
			this.write(`DROP TABLE ${table}`);
		}
		if (this.legacy) {
			this.write("DELETE FROM claims WHERE expires_at <= ?", now);
			if (this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM claims").one().n === 0) this.sql.exec("DROP TABLE claims");
		}
		this.load();
	}

	private load(): void {
		const names = this.sql
			.exec<{ name: string }>(`SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE '${PREFIX}%' OR name = 'claims')`)
			.toArray()
			.map((r) => r.name);
		this.legacy = names.includes("claims");
		this.generations = names
			.filter((n) => n.startsWith(PREFIX))
			.map((n) => Number(n.slice(PREFIX.length)))
			.filter(Number.isInteger)
			.sort((a, b) => b - a);
	}
}

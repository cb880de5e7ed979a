import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { IdempotencyShard } from "../../src/idempotency/durable-object";
import { configFor } from "../../src/shared/config";

function freshShard() {
	return env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(`test-shard-${crypto.randomUUID()}`));
}

const claimOf = (eventId: string, bodyHash = "hash-a") => ({ eventId, bodyHash });

// Committed claims: one WITHOUT ROWID table per generation of the window.
const generationTables = (sql: SqlStorage) =>
	sql
		.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'claims_g%' ORDER BY name")
		.toArray()
		.map((r) => r.name);

async function storedClaims(shard: DurableObjectStub<IdempotencyShard>) {
	return runInDurableObject(shard, (_instance, state) =>
		generationTables(state.storage.sql).flatMap((table) =>
			state.storage.sql
				.exec<{ event_id: string; expires_at: number }>(`SELECT event_id, expires_at FROM ${table} ORDER BY event_id`)
				.toArray()
				.map((row) => ({ ...row, state: "committed" })),
		),
	);
}

describe("idempotency shard (Durable Object)", () => {
	it("moves a claim from pending to committed and then answers duplicate", async () => {
		const shard = freshShard();
		expect(await shard.claim([claimOf("e1")], "t1")).toEqual(["new"]);
		expect(await shard.claim([claimOf("e1")], "t2")).toEqual(["in_flight"]);
		expect(await shard.commit(["e1"], "t1")).toBe(1);
		expect(await shard.claim([claimOf("e1")], "t3")).toEqual(["duplicate"]);
		expect(await shard.claim([claimOf("e1", "hash-b")], "t3")).toEqual(["conflict"]);
		expect(await shard.counters()).toMatchObject({ accepted: 1, duplicates: 1, conflicts: 1, in_flight: 1, live_claims: 1 });
	});

	it("decides a whole batch in one call, in order", async () => {
		const shard = freshShard();
		await shard.claim([claimOf("a")], "t0");
		await shard.commit(["a"], "t0");
		expect(await shard.claim([claimOf("a"), claimOf("b"), claimOf("a", "other")], "t1")).toEqual(["duplicate", "new", "conflict"]);
	});

	it("releases a failed enqueue's claim so the retry is new, but only for the holder", async () => {
		const shard = freshShard();
		await shard.claim([claimOf("e1")], "holder");
		expect(await shard.release(["e1"], "someone-else")).toBe(0);
		expect(await shard.claim([claimOf("e1")], "t2")).toEqual(["in_flight"]);
		expect(await shard.release(["e1"], "holder")).toBe(1);
		expect(await shard.claim([claimOf("e1")], "t3")).toEqual(["new"]);
		expect(await shard.commit(["e1"], "holder")).toBe(0);
	});

	it("lets a new copy through once an abandoned pending claim's lease has lapsed", async () => {
		const shard = freshShard();
		await shard.claim([claimOf("e1")], "crashed");
		expect(await shard.claim([claimOf("e1")], "t2")).toEqual(["in_flight"]);
		// The holder dies before committing: its in-memory claim dies with it.
		const { evictDurableObject } = await import("cloudflare:test");
		await evictDurableObject(shard);
		expect(await shard.claim([claimOf("e1")], "t2")).toEqual(["new"]);
	});

	it("drops whole generations once every claim in them has expired, by alarm, and forgets those ids", async () => {
		const shard = freshShard();
		const ttl = configFor(env).idempotencyTtlMs;
		await shard.claim([claimOf("old"), claimOf("fresh")], "t1");
		await shard.commit(["old", "fresh"], "t1");
		const alarm = await runInDurableObject(shard, (_i, state) => state.storage.getAlarm());
		const generation = Math.floor(Date.now() / ttl);
		// Due after the next generation starts, never before.
		expect(alarm).toBeGreaterThanOrEqual((generation + 1) * ttl);

		expect((await shard.counters()).accepted).toBe(2);
		// Move "old" into a generation two windows back (all of its rows expired), as time passing would.
		await runInDurableObject(shard, (_i, state) => {
			const sql = state.storage.sql;
			sql.exec(
				`CREATE TABLE claims_g${generation - 2} (event_id TEXT PRIMARY KEY, body_hash TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID`,
			);
			sql.exec(
				`INSERT INTO claims_g${generation - 2} SELECT event_id, body_hash, ? FROM claims_g${generation} WHERE event_id = 'old'`,
				Date.now() - 1000,
			);
			sql.exec(`DELETE FROM claims_g${generation} WHERE event_id = 'old'`);
		});
		expect(await runDurableObjectAlarm(shard)).toBe(true);
		expect(await runInDurableObject(shard, (_i, state) => generationTables(state.storage.sql))).toEqual([`claims_g${generation}`]);
		// The dropped generation's claim stays counted as accepted.
		expect((await shard.counters()).accepted).toBe(2);
		expect((await storedClaims(shard)).map((c) => c.event_id)).toEqual(["fresh"]);
		// The window is over: the same id is new again, not a duplicate.
		expect(await shard.claim([claimOf("old")], "t2")).toEqual(["new"]);
		expect(await shard.claim([claimOf("fresh")], "t2")).toEqual(["duplicate"]);
		// And another alarm is set for the remaining generation.
		expect(await runInDurableObject(shard, (_i, state) => state.storage.getAlarm())).not.toBeNull();
	});

	it("writes one claim row per event (in flight claims stay in memory) and keeps one b-tree entry per claim", async () => {
		const shard = freshShard();
		const ids = Array.from({ length: 10 }, (_, i) => `w${i}`);
		const written = await runInDurableObject(shard, async (instance, state) => {
			const before = state.storage.sql.databaseSize;
			await instance.claim(
				ids.map((id) => claimOf(id)),
				"t1",
			);
			await instance.commit(ids, "t1");
			return { tables: generationTables(state.storage.sql), grew: state.storage.sql.databaseSize >= before };
		});
		expect(written.tables).toHaveLength(1);
		const indexes = await runInDurableObject(
			shard,
			(_i, state) =>
				state.storage.sql
					.exec<{ n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name LIKE 'claims_g%'")
					.one().n,
		);
		expect(indexes).toBe(0);
		expect((await storedClaims(shard)).map((c) => c.event_id)).toEqual([...ids].sort());
	});

	it("writes one row per accepted event, one at a time or in calls of 10 (after its table exists)", async () => {
		const shard = freshShard();
		// The generation table is created once per window: not per event.
		await shard.claim([claimOf("warm")], "t0");
		await shard.commit(["warm"], "t0");
		const before = (await shard.counters()).rows_written;
		for (let i = 0; i < 10; i++) {
			await shard.claim([claimOf(`one${i}`)], `t${i}`);
			await shard.commit([`one${i}`], `t${i}`);
		}
		const single = (await shard.counters()).rows_written - before;
		// The claim row only: it is what counts the event as accepted.
		expect(single).toBe(10);
		const ids = Array.from({ length: 10 }, (_, i) => `ten${i}`);
		await shard.claim(
			ids.map((id) => claimOf(id)),
			"batch",
		);
		await shard.commit(ids, "batch");
		expect((await shard.counters()).rows_written - before - single).toBe(10);
		expect((await shard.counters()).accepted).toBe(21);
	});

	it("a shard that counted each commit keeps its accepted count once it counts by rows", async () => {
		const shard = freshShard();
		await shard.claim([claimOf("a"), claimOf("b")], "t1");
		await shard.commit(["a", "b"], "t1");
		// As a shard written before counting by rows left it: every commit
		// already in the stored counter, and no marker.
		await runInDurableObject(shard, (_i, state) => {
			state.storage.sql.exec("INSERT INTO counters (name, value) VALUES ('accepted', 7) ON CONFLICT (name) DO UPDATE SET value = 7");
			state.storage.sql.exec("DELETE FROM counters WHERE name = 'accepted_by_rows'");
		});
		const { evictDurableObject } = await import("cloudflare:test");
		await evictDurableObject(shard);
		expect((await shard.counters()).accepted).toBe(7);
		await shard.claim([claimOf("c")], "t2");
		await shard.commit(["c"], "t2");
		await evictDurableObject(shard);
		expect((await shard.counters()).accepted).toBe(8);
	});

	it("commits entries for the configured idempotency window", async () => {
		const shard = freshShard();
		await shard.claim([claimOf("e1")], "t1");
		const before = Date.now();
		await shard.commit(["e1"], "t1");
		const [stored] = await storedClaims(shard);
		expect(stored?.state).toBe("committed");
		expect(stored!.expires_at - before).toBeGreaterThanOrEqual(configFor(env).idempotencyTtlMs - 1000);
		expect(stored!.expires_at - before).toBeLessThanOrEqual(configFor(env).idempotencyTtlMs + 1000);
	});

	it("keeps its counters across an eviction (they are stored, not in memory)", async () => {
		const shard = freshShard();
		await shard.claim([claimOf("e1")], "t1");
		await shard.commit(["e1"], "t1");
		const { evictDurableObject } = await import("cloudflare:test");
		await evictDurableObject(shard);
		expect(await shard.counters()).toMatchObject({ accepted: 1 });
	});
});

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { IdempotencyShard } from "../../src/idempotency/durable-object";

function freshShard() {
	return env.IDEMPOTENCY.get(env.IDEMPOTENCY.idFromName(`test-shard-${crypto.randomUUID()}`));
}

const claimOf = (eventId: string, bodyHash = "hash-a") => ({ eventId, bodyHash });

async function storedClaims(shard: DurableObjectStub<IdempotencyShard>) {
	return runInDurableObject(shard, (_instance, state) =>
		state.storage.sql
			.exec<{ event_id: string; state: string; expires_at: number }>("SELECT event_id, state, expires_at FROM claims ORDER BY event_id")
			.toArray(),
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
		await runInDurableObject(shard, (_i, state) => {
			state.storage.sql.exec("UPDATE claims SET expires_at = ? WHERE event_id = 'e1'", Date.now() - 1);
		});
		expect(await shard.claim([claimOf("e1")], "t2")).toEqual(["new"]);
	});

	it("schedules a purge alarm and purges expired claims when it fires", async () => {
		const shard = freshShard();
		await shard.claim([claimOf("old"), claimOf("fresh")], "t1");
		await shard.commit(["old", "fresh"], "t1");
		const alarm = await runInDurableObject(shard, (_i, state) => state.storage.getAlarm());
		expect(alarm).not.toBeNull();

		// Age one entry past the idempotency window.
		await runInDurableObject(shard, (_i, state) => {
			state.storage.sql.exec("UPDATE claims SET expires_at = ? WHERE event_id = 'old'", Date.now() - 1000);
		});
		expect(await runDurableObjectAlarm(shard)).toBe(true);
		expect((await storedClaims(shard)).map((c) => c.event_id)).toEqual(["fresh"]);
		// The window is over: the same id is new again, not a duplicate.
		expect(await shard.claim([claimOf("old")], "t2")).toEqual(["new"]);
		// And another alarm is set for the remaining entry.
		expect(await runInDurableObject(shard, (_i, state) => state.storage.getAlarm())).not.toBeNull();
	});

	it("commits entries for the configured idempotency window", async () => {
		const shard = freshShard();
		await shard.claim([claimOf("e1")], "t1");
		const before = Date.now();
		await shard.commit(["e1"], "t1");
		const [stored] = await storedClaims(shard);
		expect(stored?.state).toBe("committed");
		expect(stored!.expires_at - before).toBeGreaterThanOrEqual(Number(env.IDEMPOTENCY_TTL_SECONDS) * 1000 - 1000);
		expect(stored!.expires_at - before).toBeLessThanOrEqual(Number(env.IDEMPOTENCY_TTL_SECONDS) * 1000 + 1000);
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

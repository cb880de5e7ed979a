import { describe, expect, it } from "vitest";
import { fnv1a32, groupByShard, shardFor } from "./shard";

describe("shard choice", () => {
	it("matches the published FNV-1a 32-bit test vectors", () => {
		expect(fnv1a32("")).toBe(0x811c9dc5);
		expect(fnv1a32("a")).toBe(0xe40c292c);
		expect(fnv1a32("foobar")).toBe(0xbf9cf968);
	});

	it("always sends the same id to the same shard, within range", () => {
		for (const id of ["evt_1", "evt_2", "ünïcødé", "x".repeat(200)]) {
			const shard = shardFor(id, 16);
			expect(shard).toBeGreaterThanOrEqual(0);
			expect(shard).toBeLessThan(16);
			expect(shardFor(id, 16)).toBe(shard);
		}
	});

	it("spreads ids roughly evenly over the shards", () => {
		const counts = new Array(16).fill(0);
		for (let i = 0; i < 16_000; i++) counts[shardFor(`evt_${i}`, 16)]++;
		for (const count of counts) {
			expect(count).toBeGreaterThan(800);
			expect(count).toBeLessThan(1200);
		}
	});

	it("groups a batch into one bucket per shard touched", () => {
		const ids = Array.from({ length: 50 }, (_, i) => `evt_${i}`);
		const groups = groupByShard(ids, (id) => id, 4);
		expect([...groups.values()].flat().sort()).toEqual([...ids].sort());
		for (const [shard, members] of groups) {
			for (const id of members) expect(shardFor(id, 4)).toBe(shard);
		}
		expect(groupByShard(["a", "a"], (id) => id, 1).size).toBe(1);
	});
});

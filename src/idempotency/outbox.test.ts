import { describe, expect, it } from "vitest";
import { eventQueues, queueIndexForShard } from "./outbox";

describe("events queues", () => {
	it("lists EVENTS_QUEUE then EVENTS_QUEUE_1, _2 … up to the first gap", () => {
		const q = (name: string) => ({ name }) as unknown as Queue;
		const env = { EVENTS_QUEUE: q("a"), EVENTS_QUEUE_1: q("b"), EVENTS_QUEUE_2: q("c"), EVENTS_QUEUE_4: q("e") } as unknown as Env;
		expect(eventQueues(env).map((queue) => (queue as unknown as { name: string }).name)).toEqual(["a", "b", "c"]);
	});

	it("gives each shard one queue, spreading shards evenly", () => {
		const counts = [0, 0, 0, 0];
		for (let shard = 0; shard < 16; shard++) counts[queueIndexForShard(shard, 4)]!++;
		expect(counts).toEqual([4, 4, 4, 4]);
		expect(queueIndexForShard(7, 1)).toBe(0);
		expect(queueIndexForShard(7, 0)).toBe(0);
	});
});

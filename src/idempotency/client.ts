import { logLine } from "../shared/log";
import type { ShardOutcome } from "./claims";
import type { IdempotencyShard, ShardCounters } from "./durable-object";
import type { Outgoing } from "./outbox";
import { groupByShard, shardName } from "./shard";

type ShardNamespace = DurableObjectNamespace<IdempotencyShard>;

function stubFor(namespace: ShardNamespace, shard: number) {
	return namespace.get(namespace.idFromName(shardName(shard)));
}

// The key that picks an item's shard: its body key when it has one (every
// copy of one body, whatever id it comes under, must meet the same claim),
// else its id.
export const shardKeyOf = (item: Pick<Outgoing, "eventId" | "bodyKey">): string => item.bodyKey ?? item.eventId;

// Accepts events on their shards: one RPC per shard touched, in parallel,
// each claiming, enqueueing and committing its ids (IdempotencyShard.accept).
// A shard that cannot be reached, or whose answer is lost, leaves its ids
// "idempotency_unavailable": the sender retries them, and a retry of one
// that did reach the queue is then answered "duplicate". Shards are
// independent, so the others' answers stand. Outcomes are keyed by event id.
export async function acceptOnShards(
	namespace: ShardNamespace,
	shardCount: number,
	items: readonly Outgoing[],
): Promise<Map<string, ShardOutcome | "idempotency_unavailable">> {
	const outcomes = new Map<string, ShardOutcome | "idempotency_unavailable">();
	const groups = groupByShard(items, shardKeyOf, shardCount);
	await Promise.all(
		[...groups].map(async ([shard, members]) => {
			let results: ShardOutcome[] = [];
			try {
				results = await stubFor(namespace, shard).accept(members, shard);
			} catch (err) {
				logLine("error", "idempotency_unavailable", { shard, events: members.length, error: String(err) });
			}
			for (const [i, member] of members.entries()) outcomes.set(member.eventId, results[i] ?? "idempotency_unavailable");
		}),
	);
	return outcomes;
}

export async function shardCounters(namespace: ShardNamespace, shardCount: number): Promise<ShardCounters> {
	const all = await Promise.all(Array.from({ length: shardCount }, (_, shard) => stubFor(namespace, shard).counters()));
	const total: ShardCounters = { accepted: 0, duplicates: 0, conflicts: 0, in_flight: 0, live_claims: 0, rows_written: 0 };
	for (const counters of all) {
		for (const key of Object.keys(total) as (keyof ShardCounters)[]) total[key] += counters[key];
	}
	return total;
}

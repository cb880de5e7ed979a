import type { ClaimOutcome, ClaimRequest } from "./claims";
import type { IdempotencyShard, ShardCounters } from "./durable-object";
import { groupByShard, shardName } from "./shard";

type ShardNamespace = DurableObjectNamespace<IdempotencyShard>;

function stubFor(namespace: ShardNamespace, shard: number) {
	return namespace.get(namespace.idFromName(shardName(shard)));
}

// Some shard did not answer: `claimed` are the ids other shards did claim as
// new (pending), which the caller must release.
export class ClaimsUnavailable extends Error {
	constructor(
		readonly claimed: string[],
		override readonly cause: unknown,
	) {
		super(`idempotency shard unavailable: ${String(cause)}`);
		this.name = "ClaimsUnavailable";
	}
}

// The caller's handle on a set of claims: commit or release exactly the ids it
// claimed, with the token that proves it holds them.
export class ClaimSession {
	readonly token = crypto.randomUUID();

	constructor(
		private readonly namespace: ShardNamespace,
		private readonly shardCount: number,
	) {}

	// One RPC per shard touched, in parallel. If any shard fails, throws
	// ClaimsUnavailable listing what the others claimed, once all have settled.
	async claim(requests: ClaimRequest[]): Promise<Map<string, ClaimOutcome>> {
		const outcomes = new Map<string, ClaimOutcome>();
		const groups = groupByShard(requests, (r) => r.eventId, this.shardCount);
		const settled = await Promise.allSettled(
			[...groups].map(async ([shard, members]) => {
				const results = await stubFor(this.namespace, shard).claim(members, this.token);
				for (const [i, m] of members.entries()) outcomes.set(m.eventId, results[i] ?? "in_flight");
			}),
		);
		const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
		if (failed)
			throw new ClaimsUnavailable(
				[...outcomes].filter(([, o]) => o === "new").map(([id]) => id),
				failed.reason,
			);
		return outcomes;
	}

	commit(eventIds: string[]): Promise<void> {
		return this.settle(eventIds, (stub, ids) => stub.commit(ids, this.token));
	}

	release(eventIds: string[]): Promise<void> {
		return this.settle(eventIds, (stub, ids) => stub.release(ids, this.token));
	}

	private async settle(eventIds: string[], call: (stub: ReturnType<typeof stubFor>, ids: string[]) => Promise<number>): Promise<void> {
		const groups = groupByShard(eventIds, (id) => id, this.shardCount);
		await Promise.all([...groups].map(([shard, ids]) => call(stubFor(this.namespace, shard), ids)));
	}
}

export async function shardCounters(namespace: ShardNamespace, shardCount: number): Promise<ShardCounters> {
	const all = await Promise.all(Array.from({ length: shardCount }, (_, shard) => stubFor(namespace, shard).counters()));
	const total: ShardCounters = { accepted: 0, duplicates: 0, conflicts: 0, in_flight: 0, live_claims: 0 };
	for (const counters of all) {
		for (const key of Object.keys(total) as (keyof ShardCounters)[]) total[key] += counters[key];
	}
	return total;
}

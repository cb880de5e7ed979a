// Spreads event ids over a fixed number of idempotency Durable Objects, so no
// single object is the bottleneck. FNV-1a is stable across isolates and
// releases: the same id must always land on the same shard.
const encoder = new TextEncoder();

export function fnv1a32(text: string): number {
	let hash = 0x811c9dc5;
	for (const byte of encoder.encode(text)) {
		hash ^= byte;
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash >>> 0;
}

export function shardFor(eventId: string, shardCount: number): number {
	return fnv1a32(eventId) % shardCount;
}

export function shardName(shard: number): string {
	return `idempotency-shard-${shard}`;
}

// Groups items by shard so a batch makes one call per shard it touches.
export function groupByShard<T>(items: readonly T[], idOf: (item: T) => string, shardCount: number): Map<number, T[]> {
	const groups = new Map<number, T[]>();
	for (const item of items) {
		const shard = shardFor(idOf(item), shardCount);
		const group = groups.get(shard);
		if (group) group.push(item);
		else groups.set(shard, [item]);
	}
	return groups;
}

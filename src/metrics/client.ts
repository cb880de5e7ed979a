import type { Histogram } from "./histogram";
import { emptySourceCounts, type IngestCounts, type IngestMetrics, type IngestSnapshot, type SourceCounts } from "./ingest-metrics";
import type { IngestSample } from "./ingest-sample";

// Ingest counters are spread over a few objects so one never limits ingest
// throughput. Changing it loses nothing (reads sum over all shards) as long
// as it only grows.
export const INGEST_METRICS_SHARDS = 4;

type Namespace = DurableObjectNamespace<IngestMetrics>;

const stub = (namespace: Namespace, shard: number) => namespace.get(namespace.idFromName(`ingest-metrics-${shard}`));

// One call for a batch of samples, to a random shard.
export function recordSamples(namespace: Namespace, samples: IngestSample[], random: () => number = Math.random): Promise<void> {
	return stub(namespace, Math.floor(random() * INGEST_METRICS_SHARDS)).record(samples);
}

function mergeRejected(into: Record<string, number>, from: Record<string, number>): void {
	for (const [reason, n] of Object.entries(from)) into[reason] = (into[reason] ?? 0) + n;
}

function mergeCounts(into: IngestCounts, from: IngestCounts): void {
	into.accepted += from.accepted;
	into.duplicates += from.duplicates;
	mergeRejected(into.rejected, from.rejected);
}

function mergeHistogram(into: Histogram, from: Histogram): void {
	into.count += from.count;
	into.sum += from.sum;
	from.buckets.forEach((b, i) => {
		const target = into.buckets[i];
		if (target) target.count += b.count;
	});
}

// Totals across every shard (and the per-minute window since `since`).
export async function ingestSnapshot(namespace: Namespace, since: number): Promise<IngestSnapshot> {
	const shards: IngestSnapshot[] = await Promise.all(
		Array.from({ length: INGEST_METRICS_SHARDS }, (_, i) => stub(namespace, i).snapshot(since)),
	);
	const [first, ...rest] = shards as [IngestSnapshot, ...IngestSnapshot[]];
	for (const s of rest) {
		mergeRejected(first.rejected, s.rejected);
		mergeCounts(first.window, s.window);
		mergeHistogram(first.ack, s.ack);
	}
	return first;
}

export const rejectedTotal = (rejected: Record<string, number>) => Object.values(rejected).reduce((a, b) => a + b, 0);

// Per-source totals across every shard; last_seen is the latest of them.
export async function sourceSnapshot(namespace: Namespace): Promise<Map<string, SourceCounts>> {
	const shards = await Promise.all(Array.from({ length: INGEST_METRICS_SHARDS }, (_, i) => stub(namespace, i).sources()));
	const total = new Map<string, SourceCounts>();
	for (const shard of shards) {
		for (const [source, counts] of Object.entries(shard)) {
			const into = total.get(source) ?? emptySourceCounts();
			total.set(source, into);
			into.received += counts.received;
			into.accepted += counts.accepted;
			into.duplicates += counts.duplicates;
			into.control += counts.control;
			mergeRejected(into.rejected, counts.rejected);
			if (counts.last_seen !== null) into.last_seen = Math.max(into.last_seen ?? 0, counts.last_seen);
		}
	}
	return total;
}

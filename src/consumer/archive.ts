import { archiveDay, archiveKey } from "../archive/layout";
import type { ArchiveLine } from "../archive/line";
import { deleteObjects, manifestStatement, type Placement, writeArchive } from "../archive/write";
import type { ProcessedEvent } from "./process";

// The archive line of a processed event: its payload as received, or, for a
// claim-checked event, the claim check's key (referenced, not copied).
export function archiveLineOf(event: ProcessedEvent["event"], ref: string | undefined): ArchiveLine {
	const line: ArchiveLine = {
		id: event.event_id,
		source: event.source,
		type: event.event_type,
		received_at: event.received_at,
		occurred_at: event.occurred_at,
		provider_event_id: event.provider_event_id,
		provider_type: event.provider_type,
		headers: event.headers === null ? null : (JSON.parse(event.headers) as Record<string, string>),
	};
	return ref === undefined ? { ...line, payload: event.payload } : { ...line, ref };
}

export interface Archivable {
	processed: ProcessedEvent;
	// The claim-check key, for an event that travelled as one.
	ref?: string;
}

// Step one of a batch (archive, then D1, then ack): writes the archive
// object(s) and points each event row at its line, leaving payload '' and
// headers null in D1. Returns the items archived and those whose put failed
// (to be retried: nothing of them is written to D1).
export async function archiveItems<T extends Archivable>(bucket: R2Bucket, items: readonly T[], now: number) {
	const placements = await writeArchive(
		bucket,
		items.map((item) => archiveLineOf(item.processed.event, item.ref)),
		now,
	);
	const archived: { item: T; placement: Placement }[] = [];
	const failed: T[] = [];
	items.forEach((item, i) => {
		const placement = placements[i];
		if (!placement) {
			failed.push(item);
			return;
		}
		Object.assign(item.processed.event, { archive_object: placement.object, archive_line: placement.line, payload: "", headers: null });
		archived.push({ item, placement });
	});
	return { archived: archived.map((a) => a.item), failed };
}

interface ObjectGroup {
	placement: Omit<Placement, "line">;
	eventIds: string[];
}

// The objects a set of archived events landed in, each with all its events.
export function objectGroups(events: readonly ProcessedEvent["event"][]): ObjectGroup[] {
	const groups = new Map<string, ObjectGroup>();
	for (const event of events) {
		if (event.archive_object === null) continue;
		const group = groups.get(event.archive_object) ?? {
			placement: { day: archiveDay(event.received_at), source: event.source, object: event.archive_object },
			eventIds: [],
		};
		group.eventIds.push(event.event_id);
		groups.set(event.archive_object, group);
	}
	return [...groups.values()];
}

// The manifest upserts for the objects of `events`, to run in the same D1
// batch after their events inserts (src/archive/write.ts). `all` are every
// event of the batch: a single-event fallback write still records all of its
// object's lines that have landed.
export function manifestStatements(
	db: D1Database,
	events: readonly ProcessedEvent["event"][],
	all: readonly ProcessedEvent["event"][],
	now: number,
): { key: string; statement: D1PreparedStatement }[] {
	const wanted = new Set(events.map((e) => e.archive_object));
	return objectGroups(all)
		.filter((g) => wanted.has(g.placement.object))
		.map((g) => ({ key: keyOf(g), statement: manifestStatement(db, g.placement, g.eventIds, now) }));
}

const keyOf = (g: ObjectGroup): string => archiveKey(g.placement.day, g.placement.source, g.placement.object);

// Objects that hold no stored event: none of their events reached D1, or
// every one was already stored from an earlier object (a redelivered batch;
// `unlisted` are the keys whose manifest upsert wrote nothing). Deleted at
// once, best effort; the hourly sweep finds any this misses.
export async function dropOrphans(
	bucket: R2Bucket,
	all: readonly ProcessedEvent["event"][],
	written: ReadonlySet<string>,
	unlisted: readonly string[],
) {
	const unwritten = objectGroups(all)
		.filter((g) => !g.eventIds.some((id) => written.has(id)))
		.map(keyOf);
	await deleteObjects(bucket, [...new Set([...unwritten, ...unlisted])]);
}

import { logLine } from "../shared/log";
import { archiveDay, archiveKey, objectName } from "./layout";
import { type ArchiveLine, encodeLines } from "./line";

// Where an event's line landed: the object's name (the events row's
// archive_object) and its line number (archive_line).
export interface Placement {
	day: string;
	source: string;
	object: string;
	line: number;
}

// The consumer's first write for a batch: one NDJSON object per (received
// day, source) in it (normally one), all put in parallel. Returns each line's
// placement, or null where its object's put failed (those events are retried;
// nothing of them reaches D1).
export async function writeArchive(bucket: R2Bucket, lines: readonly ArchiveLine[], now: number): Promise<(Placement | null)[]> {
	const groups = new Map<string, { day: string; source: string; indexes: number[] }>();
	lines.forEach((line, i) => {
		const day = archiveDay(line.received_at);
		const group = groups.get(`${day}/${line.source}`) ?? { day, source: line.source, indexes: [] };
		group.indexes.push(i);
		groups.set(`${day}/${line.source}`, group);
	});
	const placements: (Placement | null)[] = lines.map(() => null);
	await Promise.all(
		[...groups.values()].map(async ({ day, source, indexes }) => {
			const object = objectName(now);
			const key = archiveKey(day, source, object);
			try {
				await bucket.put(key, encodeLines(indexes.map((i) => lines[i] as ArchiveLine)), {
					httpMetadata: { contentType: "application/x-ndjson" },
				});
				indexes.forEach((i, line) => {
					placements[i] = { day, source, object, line };
				});
			} catch (err) {
				logLine("error", "archive_put_failed", { key, events: indexes.length, error: String(err) });
			}
		}),
	);
	return placements;
}

// Best effort: objects whose events all failed to reach D1 are deleted at
// once; anything this misses is found by the hourly orphan sweep.
export async function deleteObjects(bucket: R2Bucket, keys: readonly string[]): Promise<void> {
	if (keys.length === 0) return;
	await bucket.delete([...keys]).catch((err) => logLine("warn", "archive_delete_failed", { objects: keys.length, error: String(err) }));
}

// The manifest row of an object, written in the same D1 transaction as its
// events rows: the lines whose events row it holds (the first copy of an
// event to land wins; a retried batch's object may hold only some, or none).
// An object without a manifest row is an orphan: the sweep deletes it, and
// GET /api/archive reads only manifest lines, so nothing is counted twice.
export function manifestStatement(db: D1Database, placement: Omit<Placement, "line">, eventIds: readonly string[], now: number) {
	return db
		.prepare(
			`INSERT INTO archive_objects (day, source, object, lines, written_at)
			 SELECT ?1, ?2, ?3, lines, ?4 FROM (
			   SELECT json_group_array(archive_line) AS lines, count(*) AS n FROM (
			     SELECT archive_line FROM events WHERE event_id IN (${eventIds.map((_, i) => `?${i + 5}`).join(", ")}) AND archive_object = ?3
			     ORDER BY archive_line
			   )
			 ) WHERE n > 0
			 ON CONFLICT (day, source, object) DO UPDATE SET lines = excluded.lines`,
		)
		.bind(placement.day, placement.source, placement.object, now, ...eventIds);
}

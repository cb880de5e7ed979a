import { archiveKey } from "../archive/layout";
import { inlineEvent, LOCATION_COLUMNS, type PayloadLocation } from "../archive/read";
import { deleteObjects, manifestStatement, writeArchive } from "../archive/write";
import { logLine } from "../shared/log";

// At most 90 rows a chunk: one manifest statement binds every id of an object.
export const BACKFILL_CHUNK = 90;

type LegacyRow = PayloadLocation & { rid: number };

// Moves rows stored before migration 0010 (payload inline) to the archive, a
// bounded chunk per scheduled tick, walking rowids below the migration's
// high-water mark from a cursor kept in pipeline_counters. Each chunk: put
// the objects, then in one D1 transaction point the rows at their lines
// (only rows still inline), write the manifests and advance the cursor.
// Interrupted anywhere it is redone from the same cursor; an object whose
// transaction failed is an orphan (deleted at once, else by the sweep).
export async function backfillArchive(env: Env, now: number, chunk = BACKFILL_CHUNK): Promise<{ moved: number; done: boolean }> {
	const db = env.DB;
	const bounds = await db
		.prepare("SELECT name, value FROM pipeline_counters WHERE name IN ('archive_backfill_after', 'archive_backfill_before')")
		.all<{ name: string; value: number }>();
	const value = (name: string) => bounds.results.find((r) => r.name === name)?.value ?? 0;
	const after = value("archive_backfill_after");
	const before = value("archive_backfill_before");
	if (after + 1 >= before) return { moved: 0, done: true };
	const { results: rows } = await db
		.prepare(`SELECT rowid AS rid, ${LOCATION_COLUMNS} FROM events WHERE rowid > ? AND rowid < ? ORDER BY rowid LIMIT ?`)
		.bind(after, before, chunk)
		.all<LegacyRow>();
	const last = rows.at(-1)?.rid ?? before;
	const legacy = rows.filter((r) => r.archive_object === null && r.payload !== null && r.payload !== "");
	const placements = await writeArchive(env.PAYLOADS, legacy.map(inlineEvent), now);
	if (placements.some((p) => p === null)) throw new Error("archive backfill: an archive put failed; retried next tick");
	const statements = legacy.map((row, i) =>
		db
			.prepare("UPDATE events SET payload = '', headers = NULL, archive_object = ?, archive_line = ? WHERE event_id = ? AND payload <> ''")
			.bind(placements[i]?.object, placements[i]?.line, row.event_id),
	);
	const objects = new Map<string, { day: string; source: string; object: string; ids: string[] }>();
	legacy.forEach((row, i) => {
		const p = placements[i];
		if (!p) return;
		const group = objects.get(p.object) ?? { day: p.day, source: p.source, object: p.object, ids: [] };
		group.ids.push(row.event_id);
		objects.set(p.object, group);
	});
	try {
		await db.batch([
			...statements,
			...[...objects.values()].map((o) => manifestStatement(db, o, o.ids, now)),
			db.prepare("UPDATE pipeline_counters SET value = value + ? WHERE name = 'archive_backfilled'").bind(legacy.length),
			db.prepare("UPDATE pipeline_counters SET value = ? WHERE name = 'archive_backfill_after'").bind(last),
		]);
	} catch (err) {
		await deleteObjects(
			env.PAYLOADS,
			[...objects.values()].map((o) => archiveKey(o.day, o.source, o.object)),
		);
		throw err;
	}
	logLine("info", "archive_backfill", { moved: legacy.length, after: last, before });
	return { moved: legacy.length, done: last + 1 >= before };
}

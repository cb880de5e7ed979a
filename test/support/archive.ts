import { env } from "cloudflare:workers";
import { archiveDay, archiveKey } from "../../src/archive/layout";
import { type ArchiveLine, decodeLines } from "../../src/archive/line";
import { LOCATION_COLUMNS, type PayloadLocation, readPayloads } from "../../src/archive/read";

// A stored event's row and its payload read back the way every route does.
export async function archivedEvent(eventId: string) {
	const row = await env.DB.prepare(`SELECT ${LOCATION_COLUMNS} FROM events WHERE event_id = ?`).bind(eventId).first<PayloadLocation>();
	if (!row) return { row: null, event: null, line: null };
	const event = (await readPayloads(env.PAYLOADS, [row])).get(eventId) ?? null;
	return { row, event, line: await rawLine(row) };
}

// The event's line as written in its archive object (null for inline rows).
export async function rawLine(row: PayloadLocation): Promise<ArchiveLine | null> {
	if (row.archive_object === null || row.archive_line === null) return null;
	const object = await env.PAYLOADS.get(archiveKey(archiveDay(row.received_at), row.source, row.archive_object));
	return object ? (decodeLines(await object.text())[row.archive_line] ?? null) : null;
}

// Every copy of each event's line under one day of the archive: `live` in an
// object's manifest lines (what GET /api/archive serves), `orphaned` in an
// object without a manifest row (the sweep's to delete).
export async function archiveCopies(day: string, eventIds: readonly string[]) {
	const wanted = new Set(eventIds);
	const copies = new Map<string, { live: number; orphaned: number }>(eventIds.map((id) => [id, { live: 0, orphaned: 0 }]));
	let cursor: string | undefined;
	do {
		const page = await env.PAYLOADS.list({ prefix: `archive/${day}/`, cursor });
		for (const { key } of page.objects) {
			const [, , source, file] = key.split("/");
			const manifest = await env.DB.prepare("SELECT lines FROM archive_objects WHERE day = ? AND source = ? AND object = ?")
				.bind(day, source, file?.replace(/\.ndjson$/, ""))
				.first<{ lines: string }>();
			const live = new Set<number>(manifest ? (JSON.parse(manifest.lines) as number[]) : []);
			const lines = decodeLines(await ((await env.PAYLOADS.get(key))?.text() ?? ""));
			lines.forEach((line, i) => {
				if (!line || !wanted.has(line.id)) return;
				const tally = copies.get(line.id) as { live: number; orphaned: number };
				if (manifest === null) tally.orphaned++;
				else if (live.has(i)) tally.live++;
			});
		}
		cursor = page.truncated ? page.cursor : undefined;
	} while (cursor);
	return copies;
}

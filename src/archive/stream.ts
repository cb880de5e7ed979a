import { archiveKey } from "./layout";
import { decodeLines } from "./line";
import { resolveLine } from "./read";

export interface ManifestRow {
	source: string;
	object: string;
	lines: string;
}

// Manifest rows per D1 read while streaming a day.
const MANIFEST_PAGE = 200;

// One day of the archive as NDJSON, one event per line with its payload
// whole (claim-checked ones read back): the day's objects in key order from
// the manifest (archive_objects), and of each only the lines whose events row
// it held, so an event is served once however often its batch was retried.
// Streamed: one object in memory at a time. Reads stop with an error line
// if R2 or D1 fails mid-stream (the status is already sent).
export function streamArchiveDay(db: D1Database, bucket: R2Bucket, day: string, source?: string): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	let after: { source: string; object: string } | null = null;
	let done = false;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			if (done) return controller.close();
			const page = await manifestPage(db, day, source, after);
			if (page.length < MANIFEST_PAGE) done = true;
			for (const row of page) {
				const object = await bucket.get(archiveKey(day, row.source, row.object));
				if (!object) continue;
				const lines = decodeLines(await object.text());
				const out: string[] = [];
				for (const i of JSON.parse(row.lines) as number[]) {
					const line = lines[i];
					const event = line ? await resolveLine(bucket, line) : null;
					if (event) out.push(JSON.stringify(event));
				}
				if (out.length) controller.enqueue(encoder.encode(`${out.join("\n")}\n`));
				after = row;
			}
			if (done) controller.close();
		},
	});
}

async function manifestPage(db: D1Database, day: string, source: string | undefined, after: { source: string; object: string } | null) {
	const conditions = ["day = ?"];
	const params: unknown[] = [day];
	if (source !== undefined) {
		conditions.push("source = ?");
		params.push(source);
	}
	if (after) {
		conditions.push("(source, object) > (?, ?)");
		params.push(after.source, after.object);
	}
	const { results } = await db
		.prepare(`SELECT source, object, lines FROM archive_objects WHERE ${conditions.join(" AND ")} ORDER BY source, object LIMIT ?`)
		.bind(...params, MANIFEST_PAGE)
		.all<ManifestRow>();
	return results;
}

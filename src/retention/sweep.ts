import { archiveDay, dayPrefix } from "../archive/layout";
import { deleteObjects } from "../archive/write";
import { logLine } from "../shared/log";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
// Object names start with their write time in base 36, nine digits (layout.ts).
const nameAt = (ms: number) => ms.toString(36).padStart(9, "0");
const timeOfName = (name: string) => Number.parseInt(name.slice(0, 9), 36);

// The orphan sweep: archive objects with no manifest row (their batch's D1
// write failed, or every event in them was already stored from an earlier
// copy, and the consumer could not delete them at once). Once an hour (the
// tick in minute 7), over the objects written in the hour that ended an hour
// before: long after any batch that wrote them has settled. Objects are keyed
// by received day, so the days around the window are listed; a bounded
// number of list pages per source.
export async function sweepOrphans(env: Env, scheduledTime: number, maxPages = 5): Promise<number | null> {
	if (new Date(scheduledTime).getUTCMinutes() !== 7) return null;
	const end = scheduledTime - (scheduledTime % HOUR_MS) - HOUR_MS;
	const start = end - HOUR_MS;
	const days = [...new Set([archiveDay(start - DAY_MS), archiveDay(start), archiveDay(end)])];
	let deleted = 0;
	for (const day of days) {
		const sources = await env.PAYLOADS.list({ prefix: dayPrefix(day), delimiter: "/" });
		for (const prefix of sources.delimitedPrefixes) {
			const source = prefix.slice(dayPrefix(day).length, -1);
			const names = await objectsWritten(env.PAYLOADS, prefix, start, end, maxPages);
			const orphans = await unlisted(env.DB, day, source, names);
			await deleteObjects(
				env.PAYLOADS,
				orphans.map((name) => `${prefix}${name}.ndjson`),
			);
			deleted += orphans.length;
		}
	}
	if (deleted > 0)
		await env.DB.prepare("UPDATE pipeline_counters SET value = value + ? WHERE name = 'archive_orphans_deleted'").bind(deleted).run();
	logLine("info", "archive_sweep", { from: start, to: end, days, deleted });
	return deleted;
}

async function objectsWritten(bucket: R2Bucket, prefix: string, start: number, end: number, maxPages: number): Promise<string[]> {
	const names: string[] = [];
	let cursor: string | undefined;
	for (let page = 0; page < maxPages; page++) {
		const listed = await bucket.list(cursor ? { prefix, cursor } : { prefix, startAfter: `${prefix}${nameAt(start - 1)}~` });
		for (const { key } of listed.objects) {
			const name = key.slice(prefix.length).replace(/\.ndjson$/, "");
			const at = timeOfName(name);
			if (at >= end) return names;
			if (at >= start) names.push(name);
		}
		if (!listed.truncated) break;
		cursor = listed.cursor;
	}
	return names;
}

async function unlisted(db: D1Database, day: string, source: string, names: readonly string[]): Promise<string[]> {
	const orphans: string[] = [];
	for (let i = 0; i < names.length; i += 90) {
		const chunk = names.slice(i, i + 90);
		const { results } = await db
			.prepare(`SELECT object FROM archive_objects WHERE day = ? AND source = ? AND object IN (${chunk.map(() => "?").join(", ")})`)
			.bind(day, source, ...chunk)
			.all<{ object: string }>();
		const listed = new Set(results.map((r) => r.object));
		orphans.push(...chunk.filter((name) => !listed.has(name)));
	}
	return orphans;
}

// Where raw events live in R2 (the PAYLOADS bucket): one NDJSON object per
// consumer batch and (received day, source), under
//   archive/<YYYY-MM-DD>/<source>/<object>.ndjson
// keyed by the UTC day the event was received. The D1 `events` row keeps only
// the object's name and the event's line in it: the day comes from its
// received_at and the source from its source, so the key is never stored.
// The prefix has its own R2 lifecycle rule (ARCHIVE_LIFETIME_DAYS, default
// 365; docs/operations.md "The archive").
export const ARCHIVE_PREFIX = "archive/";

const DAY_MS = 86_400_000;

// The UTC day of an instant, YYYY-MM-DD.
export function archiveDay(ms: number): string {
	return new Date(ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS)).toISOString().slice(0, 10);
}

export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

// The first instant of a YYYY-MM-DD day (UTC), or null if it is not a date.
export function dayStart(day: string): number | null {
	if (!DAY_PATTERN.test(day)) return null;
	const ms = Date.parse(`${day}T00:00:00Z`);
	return Number.isFinite(ms) && archiveDay(ms) === day ? ms : null;
}

export function archiveKey(day: string, source: string, object: string): string {
	return `${ARCHIVE_PREFIX}${day}/${source}/${object}.ndjson`;
}

export const dayPrefix = (day: string, source?: string) => `${ARCHIVE_PREFIX}${day}/${source === undefined ? "" : `${source}/`}`;

// A new object's name: the batch's time (so names sort by when they were
// written) and a random part (a retried batch writes a new object, never
// over an old one).
export function objectName(now: number): string {
	return `${now.toString(36).padStart(9, "0")}-${crypto.randomUUID().slice(0, 8)}`;
}

// An archive key → its parts, or null for anything else under the bucket.
export function parseArchiveKey(key: string): { day: string; source: string; object: string } | null {
	const match = /^archive\/(\d{4}-\d{2}-\d{2})\/([^/]+)\/([^/]+)\.ndjson$/.exec(key);
	return match ? { day: match[1] as string, source: match[2] as string, object: match[3] as string } : null;
}

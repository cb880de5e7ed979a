import type { EventRow } from "../shared/event-row";
import { archiveDay, archiveKey } from "./layout";
import { type ArchivedEvent, type ArchiveLine, decodeLines, payloadOfMessage } from "./line";

// Where one stored event's payload lives, as the `events` row says:
// - archived (migration 0010 on): archive_object + archive_line, payload '';
// - stored before 0010 and not yet moved: payload (and headers) inline.
export type PayloadLocation = Pick<
	EventRow,
	| "event_id"
	| "source"
	| "event_type"
	| "received_at"
	| "occurred_at"
	| "provider_event_id"
	| "provider_type"
	| "headers"
	| "archive_object"
	| "archive_line"
> & { payload: string | null };

// The events columns readPayloads needs, for a SELECT.
export const LOCATION_COLUMNS =
	"event_id, source, event_type, received_at, occurred_at, provider_event_id, provider_type, payload, headers, archive_object, archive_line";

export const isArchived = (row: Pick<PayloadLocation, "archive_object">) => row.archive_object !== null;

// The one read of stored payloads: event detail, replay, forwarding and the
// archive route all go through here, so each sees the bytes as received.
// Each archive object is read once per call however many of its lines are
// asked for, and a claim-checked line is resolved from its claim-check
// object. An event whose object (or claim check) is gone is left out of the
// map; an R2 failure throws (the caller's request or message is retried).
export async function readPayloads(bucket: R2Bucket, rows: readonly PayloadLocation[]): Promise<Map<string, ArchivedEvent>> {
	const found = new Map<string, ArchivedEvent>();
	const objects = new Map<string, Promise<(ArchiveLine | null)[] | null>>();
	const readObject = (key: string) => {
		let lines = objects.get(key);
		if (!lines) {
			lines = bucket.get(key).then(async (o) => (o ? decodeLines(await o.text()) : null));
			objects.set(key, lines);
		}
		return lines;
	};
	await Promise.all(
		rows.map(async (row) => {
			if (!isArchived(row)) {
				if (row.payload !== null) found.set(row.event_id, inlineEvent(row));
				return;
			}
			const key = archiveKey(archiveDay(row.received_at), row.source, row.archive_object as string);
			const line = (await readObject(key))?.[row.archive_line ?? -1];
			if (!line || line.id !== row.event_id) return;
			const event = await resolveLine(bucket, line);
			if (event) found.set(row.event_id, event);
		}),
	);
	return found;
}

// A line with its payload: inline, or read back from its claim check.
export async function resolveLine(bucket: R2Bucket, line: ArchiveLine): Promise<ArchivedEvent | null> {
	const { ref, payload, ...rest } = line;
	if (payload !== undefined) return { ...rest, payload };
	if (ref === undefined) return null;
	const object = await bucket.get(ref);
	if (!object) return null;
	let message: unknown;
	try {
		message = JSON.parse(await object.text());
	} catch {
		return null;
	}
	const body = payloadOfMessage(message);
	return body === null ? null : { ...rest, payload: body };
}

// An event stored inline (before migration 0010) as its archive line: what
// reads serve and what the backfill moves to R2. Unreadable headers are
// dropped, never thrown on.
export function inlineEvent(row: PayloadLocation): ArchivedEvent {
	let headers: Record<string, string> | null = null;
	if (row.headers !== null) {
		try {
			headers = JSON.parse(row.headers) as Record<string, string>;
		} catch {
			headers = null;
		}
	}
	return {
		id: row.event_id,
		source: row.source,
		type: row.event_type,
		received_at: row.received_at,
		occurred_at: row.occurred_at,
		provider_event_id: row.provider_event_id,
		provider_type: row.provider_type,
		headers,
		payload: row.payload as string,
	};
}

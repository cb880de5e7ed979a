import { type Keyset, nextCursor } from "../shared/cursor";
import { afterKey, atLeast, before, type Condition, eq, where } from "../shared/sql";
import * as z from "../zod/mini";
import { DELIVERY_COLUMNS, type DeliveryRow } from "./deliveries";

// Reads behind /api/deliveries: pages newest first on (updated_at, rowid).

export const deliveryStatus = z.enum(["pending", "delivering", "held", "succeeded", "failed"]);

export const deliverySchema = z.object({
	id: z.string().check(z.describe("The webhook-id the destination receives")),
	destination_id: z.string(),
	event_id: z.string(),
	event_type: z.string(),
	source: z.string(),
	status: deliveryStatus,
	attempts: z.int().check(z.describe("Attempts in the current run (a replay starts a new run)")),
	next_attempt_at: z.int(),
	last_error: z.nullable(z.string()),
	created_at: z.int(),
	updated_at: z.int(),
	delivered_at: z.nullable(z.int()),
});

export const deliveryAttemptSchema = z.object({
	attempt: z.int(),
	outcome: z.enum(["success", "retry", "fail_permanent", "disable"]),
	http_status: z.nullable(z.int()),
	error: z.nullable(z.string()),
	latency_ms: z.int(),
	response_snippet: z.nullable(z.string()).check(z.describe("At most 512 bytes of the response, credentials redacted")),
	attempted_at: z.int(),
});

export interface DeliveryMatch {
	status?: z.infer<typeof deliveryStatus>;
	destination?: string;
	event_type?: string;
	event_id?: string;
	from?: number;
	to?: number;
}

const conditions = (m: DeliveryMatch): Condition[] => [
	eq("status", m.status),
	eq("destination_id", m.destination),
	eq("event_type", m.event_type),
	eq("event_id", m.event_id),
	atLeast("updated_at", m.from),
	before("updated_at", m.to),
];

type Listed = DeliveryRow & { seq: number };

export async function listDeliveries(db: D1Database, match: DeliveryMatch, cursor: Keyset | null, limit: number) {
	const clause = where([...conditions(match), afterKey("updated_at", "rowid", cursor)]);
	const { results } = await db
		.prepare(`SELECT rowid AS seq, ${DELIVERY_COLUMNS} FROM deliveries ${clause.sql} ORDER BY updated_at DESC, rowid DESC LIMIT ?`)
		.bind(...clause.params, limit + 1)
		.all<Listed>();
	const page = results.slice(0, limit);
	return {
		rows: page,
		data: page.map(({ seq: _seq, lease_until: _lease, ...row }) => row as z.infer<typeof deliverySchema>),
		next_cursor: nextCursor(results, limit, (r) => ({ at: r.updated_at, id: r.seq })),
	};
}

export async function getDelivery(db: D1Database, id: string) {
	const [delivery, attempts] = await db.batch([
		db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM deliveries WHERE id = ?`).bind(id),
		db
			.prepare(
				"SELECT attempt, outcome, http_status, error, latency_ms, response_snippet, attempted_at FROM delivery_attempts WHERE delivery_id = ? ORDER BY id LIMIT 200",
			)
			.bind(id),
	]);
	const row = delivery?.results[0] as DeliveryRow | undefined;
	if (!row) return null;
	const { lease_until: _lease, ...rest } = row;
	return { ...rest, attempts_log: (attempts?.results ?? []) as z.infer<typeof deliveryAttemptSchema>[] };
}

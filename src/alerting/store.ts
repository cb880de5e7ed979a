import * as z from "../zod/mini";
import type { ChannelId } from "./config";
import type { AlertState, Notification } from "./core/state";

// Alert state and history in D1, and the evaluation lease.

export type ChannelStatus = "pending" | "sent" | "failed";
export type ChannelStatuses = Partial<Record<ChannelId, ChannelStatus>>;

export const alertHistorySchema = z.object({
	id: z.int(),
	key: z.string(),
	rule: z.string(),
	kind: z.enum(["fired", "resolved"]),
	at: z.int(),
	fired_at: z.int(),
	summary: z.string(),
	value: z.nullable(z.number()),
	threshold: z.number(),
	unit: z.string(),
	channels: z
		.record(z.string(), z.enum(["pending", "sent", "failed"]))
		.check(z.describe("How each channel took it; empty when every channel is off")),
	sends: z.int(),
});
export type AlertHistory = z.infer<typeof alertHistorySchema>;

export const alertStateSchema = z.object({
	key: z.string(),
	rule: z.string(),
	status: z.enum(["inactive", "firing", "resolved"]),
	fired_at: z.nullable(z.int()),
	clear_since: z.nullable(z.int()).check(z.describe("Clear since (resolve pending until the cooldown passes)")),
	resolved_at: z.nullable(z.int()),
	value: z.nullable(z.number()),
	threshold: z.number(),
	unit: z.string(),
	summary: z.string(),
});

export async function loadStates(db: D1Database): Promise<Record<string, AlertState>> {
	const { results } = await db.prepare("SELECT key, state FROM alert_state").all<{ key: string; state: string }>();
	return Object.fromEntries(results.map((r) => [r.key, JSON.parse(r.state) as AlertState]));
}

// The new states replace the old ones, and the notifications are recorded
// (channels pending), in one transaction; returns the history ids.
export async function saveEvaluation(
	db: D1Database,
	states: Record<string, AlertState>,
	notifications: readonly Notification[],
	channels: readonly ChannelId[],
): Promise<number[]> {
	const pending = JSON.stringify(Object.fromEntries(channels.map((c) => [c, "pending"])));
	const results = await db.batch<{ id: number }>([
		db.prepare("DELETE FROM alert_state"),
		...Object.values(states).map((s) => db.prepare("INSERT INTO alert_state (key, state) VALUES (?, ?)").bind(s.key, JSON.stringify(s))),
		...notifications.map((n) =>
			db
				.prepare(
					"INSERT INTO alert_history (key, rule, kind, at, fired_at, summary, value, threshold, unit, channels) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				)
				.bind(n.key, n.rule, n.kind, n.at, n.fired_at, n.summary, n.value, n.threshold, n.unit, pending),
		),
	]);
	return results.slice(1 + Object.keys(states).length).map((r) => r.results[0]?.id as number);
}

export async function recordSends(db: D1Database, id: number, statuses: ChannelStatuses): Promise<void> {
	await db.prepare("UPDATE alert_history SET channels = ?, sends = sends + 1 WHERE id = ?").bind(JSON.stringify(statuses), id).run();
}

type HistoryRow = Omit<AlertHistory, "channels"> & { channels: string };
const parseHistory = (r: HistoryRow): AlertHistory => ({ ...r, channels: JSON.parse(r.channels) });

export const notificationOf = (h: AlertHistory): Notification => ({
	key: h.key,
	rule: h.rule as Notification["rule"],
	kind: h.kind,
	summary: h.summary,
	value: h.value,
	threshold: h.threshold,
	unit: h.unit as Notification["unit"],
	at: h.at,
	fired_at: h.fired_at,
});

// Notifications of earlier evaluations some channel has not taken yet.
export const MAX_SENDS = 5;
export const RESEND_WITHIN_MS = 60 * 60_000;

export async function unsent(db: D1Database, now: number): Promise<AlertHistory[]> {
	const { results } = await db
		.prepare(
			`SELECT * FROM alert_history WHERE at >= ? AND at < ? AND sends < ? AND (channels LIKE '%"pending"%' OR channels LIKE '%"failed"%') ORDER BY id LIMIT 20`,
		)
		.bind(now - RESEND_WITHIN_MS, now, MAX_SENDS)
		.all<HistoryRow>();
	return results.map(parseHistory);
}

export async function recentHistory(db: D1Database, limit: number): Promise<AlertHistory[]> {
	const { results } = await db.prepare("SELECT * FROM alert_history ORDER BY at DESC, id DESC LIMIT ?").bind(limit).all<HistoryRow>();
	return results.map(parseHistory);
}

// Held for a minute at most: a crashed evaluation does not block the next.
const LEASE_MS = 60_000;

export async function takeLease(db: D1Database, now: number): Promise<boolean> {
	const row = await db
		.prepare("UPDATE alert_lock SET held_until = ? WHERE id = 1 AND held_until < ? RETURNING id")
		.bind(now + LEASE_MS, now)
		.first();
	return row !== null;
}

export async function dropLease(db: D1Database): Promise<void> {
	await db.prepare("UPDATE alert_lock SET held_until = 0 WHERE id = 1").run();
}

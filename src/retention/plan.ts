// What retention deletes, table by table: each step is one bounded DELETE of
// at most `chunk` rows older than the cutoff, and the counter update that
// records it, run together in one D1 batch (one transaction), so an
// interrupted tick has deleted and counted exactly the chunks that
// committed, and the next tick simply continues. Every DELETE picks its rows
// through an index (or a rowid-ordered prefix), so a chunk reads about as
// many rows as it deletes.
//
// Kept whatever their age: the business tables (users, subscriptions,
// subscription_changes, usage_records, payment_failures), the rollups and
// ledgers analytics read, open dead letters, and events rows whose payload is
// still inline (stored before migration 0010: the backfill archives them
// first). The archive manifest is kept for the archive's own lifetime.
export interface RetentionStep {
	table: string;
	// Uses ?1 = cutoff (epoch ms), ?2 = chunk size.
	sql: string;
	// The pipeline_counters rows this step adds its deleted rows to.
	counters: readonly string[];
	// Cutoff from the archive lifetime instead of RETENTION_DAYS.
	archiveLifetime?: boolean;
}

export const RETENTION_STEPS: readonly RetentionStep[] = [
	{
		table: "events",
		// events_stats leads with processed_at: the oldest first, archived rows only.
		sql: "DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE processed_at < ?1 AND payload = '' LIMIT ?2)",
		counters: ["retention_deleted"],
	},
	{
		table: "event_attempts",
		sql: `DELETE FROM event_attempts WHERE rowid IN (
			SELECT rowid FROM (SELECT rowid, failed_at FROM event_attempts ORDER BY rowid LIMIT ?2) WHERE failed_at < ?1)`,
		counters: ["retention_deleted"],
	},
	{
		table: "deliveries",
		sql: `DELETE FROM deliveries WHERE rowid IN (
			SELECT rowid FROM deliveries WHERE status IN ('succeeded', 'failed') AND updated_at < ?1 LIMIT ?2)`,
		counters: ["retention_deleted"],
	},
	{
		table: "delivery_attempts",
		sql: `DELETE FROM delivery_attempts WHERE id IN (
			SELECT id FROM (SELECT id, attempted_at FROM delivery_attempts ORDER BY id LIMIT ?2) WHERE attempted_at < ?1)`,
		counters: ["retention_deleted"],
	},
	{
		table: "alert_samples",
		sql: "DELETE FROM alert_samples WHERE at IN (SELECT at FROM alert_samples WHERE at < ?1 ORDER BY at LIMIT ?2)",
		counters: ["retention_deleted"],
	},
	{
		// Replayed letters are settled by their event; discarded ones settle
		// the backlog, so the count of those deleted is kept
		// (dead_letters_discarded_pruned, added back by /metrics).
		table: "dead_letters",
		sql: `DELETE FROM dead_letters WHERE id IN (
			SELECT id FROM dead_letters WHERE status = 'replayed' AND failed_at < ?1 AND coalesce(resolved_at, 0) < ?1 LIMIT ?2)`,
		counters: ["retention_deleted"],
	},
	{
		table: "dead_letters",
		sql: `DELETE FROM dead_letters WHERE id IN (
			SELECT id FROM dead_letters WHERE status = 'discarded' AND failed_at < ?1 AND coalesce(resolved_at, 0) < ?1 LIMIT ?2)`,
		counters: ["retention_deleted", "dead_letters_discarded_pruned"],
	},
	{
		table: "archive_objects",
		sql: `DELETE FROM archive_objects WHERE (day, source, object) IN (
			SELECT day, source, object FROM archive_objects WHERE day < strftime('%Y-%m-%d', ?1 / 1000, 'unixepoch') ORDER BY day LIMIT ?2)`,
		counters: [],
		archiveLifetime: true,
	},
];

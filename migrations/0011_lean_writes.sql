-- Fewer D1 rows written per event (issue 17: ≤ 6 rows and b-tree entries).
-- Measured before this migration on the mixed run of test/storage/: 21.8
-- rows written per event, of which 13.3 by the events insert alone: its row,
-- primary key and three indexes (5), and its triggers, which updated one
-- counter per event and every cumulative latency bucket at or above the
-- event's latency (up to 12 rows) plus the latency sum, per event.
--
-- 1. Counters per batch, not per event. The consumer's write
--    (src/consumer/writes.ts) marks the highest events rowid before its
--    inserts and, after them, adds what it inserted (the rows above the
--    mark: new rows always take the highest rowids) to the counters and the
--    latency histogram in one statement each, in the same transaction:
--    a handful of rows per batch instead of up to 14 per event. As before,
--    an idempotent no-op (a redelivery) inserts nothing and counts nothing.
DROP TRIGGER events_count;
DROP TRIGGER events_latency_histogram;
INSERT INTO pipeline_counters (name, value) VALUES ('events_mark', 0);

-- The histogram's buckets hold per-bucket counts (an event adds one to the
-- smallest bound at or above its latency; none past the largest: +Inf is
-- the event count), so a batch updates the few buckets its events fall in
-- instead of every bucket above each. The cumulative counts of 0002 are
-- turned into per-bucket ones.
CREATE TABLE e2e_latency_counts (
  le    INTEGER PRIMARY KEY,
  count INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO e2e_latency_counts (le, count)
SELECT le, count - coalesce(lag(count) OVER (ORDER BY le), 0) FROM e2e_latency_buckets;
DROP TABLE e2e_latency_buckets;

-- 2. Indexes no query reads (the analytics and admin reads name theirs, and
--    the triggers' lookups use others), each one row written per row:
--    usage by feature and time (usage_time_cover serves the edges), changes
--    by time (the ledger serves MRR), the ledger by key (mrr_daily serves
--    the opening), subscriptions by user.
DROP INDEX usage_feature_time;
DROP INDEX subscription_changes_time;
DROP INDEX mrr_ledger_key;
DROP INDEX subscriptions_user;

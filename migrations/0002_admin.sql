-- Admin API: indexes for its list and stats queries, counters that follow
-- event replay, and a durable end-to-end latency histogram for /metrics.

-- GET /api/events pages newest first on (occurred_at, rowid). The type and
-- user filters use events_type_time / events_user_time from 0001 (an index
-- carries the rowid, so the keyset order needs no sort).
CREATE INDEX events_occurred ON events (occurred_at);
CREATE INDEX events_status_occurred ON events (status, occurred_at);

-- GET /api/stats reads only these columns over a processed_at window, so the
-- whole computation runs on the index without touching the table.
CREATE INDEX events_stats ON events (processed_at, event_type, status, attempts, latency_ms);

-- Dead letters: "all statuses" listing, and the history of one event.
CREATE INDEX dead_letters_failed ON dead_letters (failed_at);
CREATE INDEX dead_letters_event ON dead_letters (event_id, failed_at);

-- Event replay can turn an unhandled event into a processed one (a handler
-- was added for its type): move it between the counters, never add one.
CREATE TRIGGER events_status_change AFTER UPDATE OF status ON events
WHEN OLD.status <> NEW.status
BEGIN
  UPDATE pipeline_counters SET value = value - 1 WHERE name = OLD.status;
  UPDATE pipeline_counters SET value = value + 1 WHERE name = NEW.status;
END;

-- End-to-end latency histogram (Prometheus-style cumulative buckets, in ms),
-- kept by a trigger like pipeline_counters: one row read per bucket at scrape
-- time instead of a scan over every event. The +Inf bucket is the event count.
CREATE TABLE e2e_latency_buckets (
  le    INTEGER PRIMARY KEY,
  count INTEGER NOT NULL
);
WITH bounds(le) AS (VALUES (50), (100), (250), (500), (1000), (2000), (5000), (10000), (30000), (60000), (300000), (3600000))
INSERT INTO e2e_latency_buckets (le, count)
SELECT le, (SELECT count(*) FROM events WHERE latency_ms <= bounds.le) FROM bounds;

INSERT INTO pipeline_counters (name, value)
SELECT 'e2e_latency_ms_sum', coalesce(sum(latency_ms), 0) FROM events;

CREATE TRIGGER events_latency_histogram AFTER INSERT ON events
BEGIN
  UPDATE e2e_latency_buckets SET count = count + 1 WHERE le >= NEW.latency_ms;
  UPDATE pipeline_counters SET value = value + NEW.latency_ms WHERE name = 'e2e_latency_ms_sum';
END;

-- Raw events move to R2 (issue 17): the consumer writes one NDJSON object per
-- batch under archive/<YYYY-MM-DD>/<source>/<object>.ndjson (src/archive/),
-- and `events` becomes a lean index of them. No table rebuild: this runs in
-- constant time on a database of any size.
--
-- Where an event's payload lives:
--   archive_object, archive_line  the object's name (its day is the row's
--                                 received_at day, its source the row's
--                                 source) and the event's line in it;
--   payload = ''                  archived (the column stays NOT NULL from
--                                 0001; '' costs nothing);
--   payload <> ''                 a row stored before this migration, with
--                                 its body (and headers) inline. Reads go
--                                 through src/archive/read.ts, which serves
--                                 both; the scheduled backfill moves a bounded
--                                 chunk of them to the archive per tick, and
--                                 retention never deletes one before it moved.
ALTER TABLE events ADD COLUMN archive_object TEXT;
ALTER TABLE events ADD COLUMN archive_line INTEGER;

-- Three secondary indexes instead of seven, chosen from the queries that run:
--   events_occurred   GET /api/events newest first, replay's range scan;
--   events_user_time  GET /api/events?user_id= (a user's events are few
--                     among many: only an index finds them fast);
--   events_stats      GET /api/stats (covering) and retention's cutoff on
--                     processed_at.
-- Filters by type, source and status (few values, mostly common) walk
-- events_occurred with a scan budget per page (src/admin/event-queries.ts).
DROP INDEX events_type_time;
DROP INDEX events_received;
DROP INDEX events_status_occurred;
DROP INDEX events_source_time;

-- One row per archive object that holds at least one stored event: the
-- lines of it whose events row points there (the first copy of an event to
-- land wins; a retried batch writes a new object, which may hold only some,
-- or none). GET /api/archive/<day> reads the day's objects from here, in
-- key order, and serves only these lines, so a retried batch is never
-- counted twice; an object with no row here is an orphan, deleted by the
-- hourly sweep. Kept by retention (one row per batch, not per event) until
-- the archive's own lifetime has passed.
CREATE TABLE archive_objects (
  day        TEXT NOT NULL,     -- YYYY-MM-DD (UTC, received)
  source     TEXT NOT NULL,
  object     TEXT NOT NULL,
  lines      TEXT NOT NULL,     -- JSON array of line numbers
  written_at INTEGER NOT NULL,
  PRIMARY KEY (day, source, object)
) WITHOUT ROWID;

-- Retention and the backfill, counted for /metrics.
INSERT INTO pipeline_counters (name, value) VALUES
  ('retention_deleted', 0), ('archive_backfilled', 0), ('archive_orphans_deleted', 0);

-- The backfill of rows stored before this migration walks rowids up to here
-- (archive_backfill_before) from its cursor (archive_backfill_after), a
-- bounded chunk per scheduled tick, so it never scans the table again once
-- done.
INSERT INTO pipeline_counters (name, value) VALUES
  ('archive_backfill_after', 0),
  ('archive_backfill_before', (SELECT coalesce(max(rowid), 0) + 1 FROM events)),
  ('dead_letters_discarded_pruned', 0);

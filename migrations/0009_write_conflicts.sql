-- Two integrity rules the consumer's writes enforce in the database itself,
-- so no read-before-write race can get past them.

-- 1. One event id, one content. The consumer inserts events with
--    ON CONFLICT (event_id) DO UPDATE SET body_hash = excluded.body_hash
--    WHERE the stored copy was accepted at another time with another hash
--    (src/consumer/writes.ts). That update only ever happens for a conflicting
--    copy, and this trigger aborts it: the loser's whole write fails (its
--    derived rows included) and the consumer dead-letters it as id_conflict,
--    however close together the two copies arrived. Nothing else changes a
--    stored body_hash (a NULL one being filled is not a change).
CREATE TRIGGER events_id_conflict BEFORE UPDATE OF body_hash ON events
WHEN OLD.body_hash IS NOT NULL AND NEW.body_hash IS NOT NULL AND OLD.body_hash <> NEW.body_hash
BEGIN
  SELECT RAISE(ABORT, 'id_conflict');
END;

-- 2. Each distinct failed copy keeps its own open dead letter. The index of
--    0001 allowed one open letter per event id, so a second, different copy
--    (another acceptance of the id) overwrote the first's payload. A copy is
--    one acceptance: (event_id, received_at); a redelivered dead letter of
--    the same copy still refreshes its row. received_at is NULL only for
--    letters that never were a message, whose ids are unique already.
DROP INDEX dead_letters_open_event;
CREATE UNIQUE INDEX dead_letters_open_copy ON dead_letters (event_id, coalesce(received_at, -1)) WHERE status = 'open';

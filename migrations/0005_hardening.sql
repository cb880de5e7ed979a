-- Backlog that cannot drift: count the queue messages whose events insert is
-- a no-op because another acceptance of the same event was already stored.
--
-- backlog = accepted - stored - open/discarded dead letters, where accepted
-- counts every acceptance (the idempotency objects' commits). The same
-- event_id accepted again after the idempotency window (default 24 h), or a
-- replayed dead letter of such a copy, is a second acceptance whose events
-- insert changes nothing (ON CONFLICT DO NOTHING), so it was never counted as
-- settled and the backlog grew by one for good.
--
-- An acceptance is told apart by its received_at: the consumer records
-- (event_id, received_at) here when the stored row has another received_at.
-- Keyed, so the queue redelivering that message changes nothing, and the
-- queue redelivering the message that stored the row (same received_at) is
-- not counted at all. The trigger fires only on real inserts.
CREATE TABLE event_redeliveries (
  event_id    TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  seen_at     INTEGER NOT NULL,
  PRIMARY KEY (event_id, received_at)
) WITHOUT ROWID;

INSERT INTO pipeline_counters (name, value) VALUES ('redelivered', 0);

CREATE TRIGGER event_redeliveries_count AFTER INSERT ON event_redeliveries
BEGIN
  UPDATE pipeline_counters SET value = value + 1 WHERE name = 'redelivered';
END;

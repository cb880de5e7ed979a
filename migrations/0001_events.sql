-- Permanent event log, derived analytics tables and dead letters.
-- Times are integer Unix epoch milliseconds (UTC) so ranges and latency maths
-- stay index-friendly; use datetime(col / 1000, 'unixepoch') to read them.

CREATE TABLE events (
  event_id     TEXT PRIMARY KEY,
  source       TEXT NOT NULL,
  event_type   TEXT NOT NULL,
  user_id      TEXT,
  occurred_at  INTEGER NOT NULL,
  received_at  INTEGER NOT NULL,
  processed_at INTEGER NOT NULL,
  latency_ms   INTEGER NOT NULL,
  attempts     INTEGER NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('processed', 'unhandled')),
  payload      TEXT NOT NULL
);
CREATE INDEX events_type_time ON events (event_type, occurred_at);
CREATE INDEX events_user_time ON events (user_id, occurred_at);
CREATE INDEX events_received ON events (received_at);

-- Latest known state per user; last writer wins on the event's own timestamp
-- (event_id breaks ties) so out-of-order delivery converges.
CREATE TABLE users (
  user_id       TEXT PRIMARY KEY,
  email         TEXT,
  plan          TEXT,
  source        TEXT,
  signed_up_at  INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  last_event_id TEXT NOT NULL
);

CREATE TABLE subscriptions (
  subscription_id TEXT PRIMARY KEY,
  user_id         TEXT,
  plan            TEXT NOT NULL,
  amount          REAL NOT NULL,
  currency        TEXT NOT NULL,
  interval        TEXT NOT NULL,
  monthly_amount  REAL NOT NULL,
  status          TEXT NOT NULL,
  updated_at      INTEGER NOT NULL,
  last_event_id   TEXT NOT NULL
);
CREATE INDEX subscriptions_user ON subscriptions (user_id);

-- One row per subscription event: the history that MRR over time is built from.
CREATE TABLE subscription_changes (
  event_id        TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL,
  user_id         TEXT,
  plan            TEXT NOT NULL,
  amount          REAL NOT NULL,
  currency        TEXT NOT NULL,
  interval        TEXT NOT NULL,
  monthly_amount  REAL NOT NULL,
  status          TEXT NOT NULL,
  occurred_at     INTEGER NOT NULL
);
CREATE INDEX subscription_changes_time ON subscription_changes (occurred_at);
CREATE INDEX subscription_changes_sub_time ON subscription_changes (subscription_id, occurred_at);

-- One row per usage event (keyed by event_id, so redelivery never adds twice).
CREATE TABLE usage_records (
  event_id    TEXT PRIMARY KEY,
  user_id     TEXT,
  feature     TEXT NOT NULL,
  quantity    REAL NOT NULL,
  occurred_at INTEGER NOT NULL
);
CREATE INDEX usage_feature_time ON usage_records (feature, occurred_at);

-- Failed attempts, one row per (event, attempt): the retry history.
CREATE TABLE event_attempts (
  event_id   TEXT NOT NULL,
  attempt    INTEGER NOT NULL,
  error      TEXT NOT NULL,
  failed_at  INTEGER NOT NULL,
  PRIMARY KEY (event_id, attempt)
);

-- Events that could not be processed. A row is never deleted: replay and
-- discard only change its status, so every failure stays visible.
CREATE TABLE dead_letters (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT NOT NULL,
  event_type  TEXT,
  source      TEXT,
  payload     TEXT NOT NULL,
  error       TEXT NOT NULL,
  attempts    INTEGER NOT NULL,
  received_at INTEGER,
  failed_at   INTEGER NOT NULL,
  status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'replayed', 'discarded')),
  resolved_at INTEGER
);
-- At most one open dead letter per event: a redelivered dead letter updates it.
CREATE UNIQUE INDEX dead_letters_open_event ON dead_letters (event_id) WHERE status = 'open';
CREATE INDEX dead_letters_status_time ON dead_letters (status, failed_at);
CREATE INDEX dead_letters_type_time ON dead_letters (event_type, failed_at);

-- Running totals kept by triggers, so /health and /metrics read one small
-- table instead of counting millions of rows. Triggers fire only on real
-- inserts, never on an idempotent no-op, so redelivery cannot inflate them.
CREATE TABLE pipeline_counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO pipeline_counters (name, value) VALUES
  ('processed', 0), ('unhandled', 0), ('dead_lettered', 0), ('retried', 0);

CREATE TRIGGER events_count AFTER INSERT ON events
BEGIN
  UPDATE pipeline_counters SET value = value + 1 WHERE name = NEW.status;
END;

CREATE TRIGGER dead_letters_count AFTER INSERT ON dead_letters
BEGIN
  UPDATE pipeline_counters SET value = value + 1 WHERE name = 'dead_lettered';
END;

CREATE TRIGGER event_attempts_count AFTER INSERT ON event_attempts
BEGIN
  UPDATE pipeline_counters SET value = value + 1 WHERE name = 'retried';
END;

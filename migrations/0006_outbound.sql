-- Outbound: destinations that processed events are forwarded to, one row per
-- (event, destination) delivery with every attempt recorded, and the alert
-- engine's sample history, state and notifications.
-- Times are integer Unix epoch milliseconds (UTC), as everywhere else.

-- A destination and its circuit breaker. The breaker lives here rather than in
-- a Durable Object: every isolate's consumer, the admin routes, /metrics and
-- the alert sampler read it with the destination itself, and writes are
-- compare-and-set on breaker_version, so concurrent consumers cannot lose an
-- update. auth and secrets hold credentials: the API never returns them in
-- full after creation.
CREATE TABLE destinations (
  id                   TEXT PRIMARY KEY,
  name                 TEXT NOT NULL,
  url                  TEXT NOT NULL,
  event_types          TEXT NOT NULL,  -- JSON array of patterns
  sources              TEXT NOT NULL,  -- JSON array of patterns
  auth                 TEXT NOT NULL,  -- JSON {"type": "none" | "bearer" | "header", …}
  format               TEXT NOT NULL CHECK (format IN ('event', 'dashboard')),
  enabled              INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  -- Why it is disabled: 'operator' (PATCH enabled=false) or 'gone' (a 410).
  disabled_reason      TEXT,
  max_attempts         INTEGER NOT NULL,
  secrets              TEXT NOT NULL,  -- JSON [{secret, created_at, expires_at}]
  breaker_status       TEXT NOT NULL DEFAULT 'closed' CHECK (breaker_status IN ('closed', 'open', 'half_open', 'paused')),
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  opened_at            INTEGER,
  next_probe_at        INTEGER,
  failed_probes        INTEGER NOT NULL DEFAULT 0,
  breaker_version      INTEGER NOT NULL DEFAULT 0,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL
);

-- One delivery per (event, destination). The id is the Standard Webhooks
-- webhook-id (msg_…, derived from both ids), so fan-out is idempotent and the
-- receiver sees the same id on every retry.
--   pending    queued, or waiting for its retry (next_attempt_at)
--   delivering claimed by a consumer until lease_until
--   held       parked while the destination is paused; released on resume
--   succeeded  a 2xx
--   failed     attempts exhausted, rejected, or the destination was disabled:
--              listed by GET /api/deliveries?status=failed and replayable
CREATE TABLE deliveries (
  id              TEXT PRIMARY KEY,
  destination_id  TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  source          TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('pending', 'delivering', 'held', 'succeeded', 'failed')),
  -- Attempts in the current run (a replay starts a new run from 0).
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  lease_until     INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  delivered_at    INTEGER
);
CREATE INDEX deliveries_destination_status ON deliveries (destination_id, status, updated_at);
CREATE INDEX deliveries_status_updated ON deliveries (status, updated_at);
CREATE INDEX deliveries_event ON deliveries (event_id);

-- Every attempt: outcome, HTTP status (null for a network error or timeout),
-- latency and at most 512 bytes of the response (credentials redacted).
CREATE TABLE delivery_attempts (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id      TEXT NOT NULL,
  destination_id   TEXT NOT NULL,
  attempt          INTEGER NOT NULL,
  outcome          TEXT NOT NULL CHECK (outcome IN ('success', 'retry', 'fail_permanent', 'disable')),
  http_status      INTEGER,
  error            TEXT,
  latency_ms       INTEGER NOT NULL,
  response_snippet TEXT,
  attempted_at     INTEGER NOT NULL
);
CREATE INDEX delivery_attempts_delivery ON delivery_attempts (delivery_id, id);
CREATE INDEX delivery_attempts_destination ON delivery_attempts (destination_id, outcome, id);

-- webhook_destination_deliveries_total{destination,outcome}, kept by a trigger
-- so /metrics reads a few rows instead of counting attempts.
CREATE TABLE destination_counters (
  destination_id TEXT NOT NULL,
  outcome        TEXT NOT NULL,
  value          INTEGER NOT NULL,
  PRIMARY KEY (destination_id, outcome)
);

CREATE TRIGGER delivery_attempts_count AFTER INSERT ON delivery_attempts
BEGIN
  INSERT INTO destination_counters (destination_id, outcome, value) VALUES (NEW.destination_id, NEW.outcome, 1)
  ON CONFLICT (destination_id, outcome) DO UPDATE SET value = value + 1;
END;

-- Alerts: one metrics sample per evaluation (the rules read the series),
-- pruned to the last few hours.
CREATE TABLE alert_samples (
  at     INTEGER PRIMARY KEY,
  sample TEXT NOT NULL  -- JSON MetricsSample (src/alerts/rules.ts)
);

-- The current state per alert key (src/alerts/state.ts).
CREATE TABLE alert_state (
  key   TEXT PRIMARY KEY,
  state TEXT NOT NULL  -- JSON AlertState
);

-- Every fired / resolved notification, and how each channel took it.
CREATE TABLE alert_history (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  key       TEXT NOT NULL,
  rule      TEXT NOT NULL,
  kind      TEXT NOT NULL CHECK (kind IN ('fired', 'resolved')),
  at        INTEGER NOT NULL,
  fired_at  INTEGER NOT NULL,
  summary   TEXT NOT NULL,
  value     REAL,
  threshold REAL NOT NULL,
  unit      TEXT NOT NULL,
  channels  TEXT NOT NULL,  -- JSON {"slack": "sent" | "failed" | "off", "webhook": …}
  sends     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_history_at ON alert_history (at);

-- A lease so a cron tick and POST /api/alerts/evaluate never evaluate (and
-- notify) at the same time.
CREATE TABLE alert_lock (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  held_until  INTEGER NOT NULL
);
INSERT INTO alert_lock (id, held_until) VALUES (1, 0);

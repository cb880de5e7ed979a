-- Destinations gain the `raw` format: the sender's own body and content type,
-- byte for byte, signed with the Standard Webhooks headers (one Stripe
-- endpoint fanned out to several services that each expect Stripe's JSON).
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt
-- with the same columns and rows; nothing references it by foreign key.
CREATE TABLE destinations_v2 (
  id                   TEXT PRIMARY KEY,
  name                 TEXT NOT NULL,
  url                  TEXT NOT NULL,
  event_types          TEXT NOT NULL,  -- JSON array of patterns
  sources              TEXT NOT NULL,  -- JSON array of patterns
  auth                 TEXT NOT NULL,  -- JSON {"type": "none" | "bearer" | "header", …}
  format               TEXT NOT NULL CHECK (format IN ('event', 'dashboard', 'raw')),
  enabled              INTEGER NOT NULL CHECK (enabled IN (0, 1)),
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
INSERT INTO destinations_v2 SELECT
  id, name, url, event_types, sources, auth, format, enabled, disabled_reason, max_attempts, secrets,
  breaker_status, consecutive_failures, opened_at, next_probe_at, failed_probes, breaker_version, created_at, updated_at
FROM destinations;
DROP TABLE destinations;
ALTER TABLE destinations_v2 RENAME TO destinations;

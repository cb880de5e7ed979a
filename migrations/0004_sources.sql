-- Real senders: events from provider sources (Stripe, GitHub, Shopify, Slack,
-- Standard Webhooks) keep what the provider called them, next to the
-- canonical type they map to, and payment failures get their own table.

-- For provider sources events.event_id is "<source>:<provider id>", so two
-- providers' evt_1 never collide; these keep the provider's own id and type
-- and the delivery headers worth keeping (JSON, no signatures). NULL for the
-- direct source, whose envelope already is the canonical event.
ALTER TABLE events ADD COLUMN provider_event_id TEXT;
ALTER TABLE events ADD COLUMN provider_type TEXT;
ALTER TABLE events ADD COLUMN headers TEXT;
-- The content hash the event was claimed with: a later acceptance of the same
-- id (after the idempotency window) with another hash is a conflict, kept as
-- a dead letter naming both hashes instead of being dropped by the keyed insert.
ALTER TABLE events ADD COLUMN body_hash TEXT;
-- GET /api/events?source= pages newest first by event time within a source.
CREATE INDEX events_source_time ON events (source, occurred_at);

-- One row per payment_failed event (keyed by event_id: redelivery never adds
-- twice). Covering index for the payments analytics: time range, then
-- currency and amount read from the index alone.
CREATE TABLE payment_failures (
  event_id        TEXT PRIMARY KEY,
  user_id         TEXT,
  subscription_id TEXT,
  invoice_id      TEXT,
  amount          REAL NOT NULL,
  currency        TEXT NOT NULL,
  reason          TEXT,
  occurred_at     INTEGER NOT NULL
);
CREATE INDEX payment_failures_cover ON payment_failures (occurred_at, currency, amount);

-- A dead letter keeps the queue message it came from (JSON), so replay puts
-- back exactly what ingest built, provider deliveries included.
ALTER TABLE dead_letters ADD COLUMN message TEXT;

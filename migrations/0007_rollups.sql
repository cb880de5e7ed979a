-- Daily rollups, so every analytics route reads a few thousand rows for any
-- window up to a year (src/analytics/queries/, docs/analytics.md#how-it-stays-fast).
-- One row per UTC day and group; each also keeps that day's per-hour sums as
-- JSON {"<hour of day>": sum}, so hour buckets come from the same row and one
-- event writes one row per rollup. Windows read whole days here and only their
-- partial first and last day from the base tables.
--
-- Kept by triggers on the base tables, so nothing outside this file writes
-- them: an idempotent no-op (redelivery, a replay that changes nothing) fires
-- nothing, and an update (a replay that rewrites a row, a newer signup)
-- subtracts the old row and adds the new one. Base rows are never deleted:
-- pruning them later must keep the rollups as they are.
--
-- Time maths in ms (UTC): day = t - ((t % 86400000) + 86400000) % 86400000,
-- hour of day = ((t % 86400000) + 86400000) % 86400000 / 3600000 (floor, even
-- before 1970).

-- Users per (day, source, plan), counted at users.signed_up_at (their first
-- signup). '' stands for NULL: key columns cannot be NULL, and the
-- user_signup schema never lets a sender's source or plan be ''.
CREATE TABLE signups_daily (
  day     INTEGER NOT NULL,
  source  TEXT NOT NULL,
  plan    TEXT NOT NULL,
  signups INTEGER NOT NULL,
  hours   TEXT NOT NULL,
  PRIMARY KEY (day, source, plan)
) WITHOUT ROWID;

-- Funnel cohorts: users per (signup day, lag), lag = whole days from signup to
-- the user's first subscription change at or after it (users.subscribed_at),
-- 365 for none within 365 days. "Subscribed within N days" (N <= 365) is
-- exactly lag < N, since subscribed_at - signed_up_at < N days <=> floor(that
-- in days) < N.
CREATE TABLE funnel_daily (
  day   INTEGER NOT NULL,
  lag   INTEGER NOT NULL,
  users INTEGER NOT NULL,
  hours TEXT NOT NULL,
  PRIMARY KEY (day, lag)
) WITHOUT ROWID;

-- The sum of mrr_ledger per (day, plan, currency): MRR at t is the sum of
-- whole days before t plus the ledger rows of t's own day.
CREATE TABLE mrr_daily (
  day                INTEGER NOT NULL,
  plan               TEXT NOT NULL,
  currency           TEXT NOT NULL,
  mrr                REAL NOT NULL,
  subscriptions      INTEGER NOT NULL,
  hour_mrr           TEXT NOT NULL,
  hour_subscriptions TEXT NOT NULL,
  PRIMARY KEY (day, plan, currency)
) WITHOUT ROWID;

CREATE TABLE payments_daily (
  day           INTEGER NOT NULL,
  currency      TEXT NOT NULL,
  failures      INTEGER NOT NULL,
  amount        REAL NOT NULL,
  hour_failures TEXT NOT NULL,
  hour_amount   TEXT NOT NULL,
  PRIMARY KEY (day, currency)
) WITHOUT ROWID;

-- Replaces usage_hourly (0003): the same sums, one row per day instead of 24.
CREATE TABLE usage_daily (
  day           INTEGER NOT NULL,
  feature       TEXT NOT NULL,
  quantity      REAL NOT NULL,
  events        INTEGER NOT NULL,
  hour_quantity TEXT NOT NULL,
  hour_events   TEXT NOT NULL,
  PRIMARY KEY (day, feature)
) WITHOUT ROWID;
DROP TRIGGER usage_records_hourly;
DROP TABLE usage_hourly;

-- Top users: usage per user and 28-day period (floor(t / 2419200000)), ranked
-- within each period, so the top of a long window can be proven from the top
-- of each period instead of summing every user (queries/top-users.ts).
CREATE TABLE usage_user_periods (
  user_id  TEXT NOT NULL,
  period   INTEGER NOT NULL,
  quantity REAL NOT NULL,
  events   INTEGER NOT NULL,
  PRIMARY KEY (user_id, period)
) WITHOUT ROWID;
CREATE INDEX usage_user_periods_rank ON usage_user_periods (period, quantity);

-- Write-only views, one per rollup: inserting (time, group, amounts) adds the
-- amounts to that day's row and hour (negative amounts subtract), so the
-- day/hour maths and the JSON merge live in one place each. The merge adds the
-- one-hour object the insert would have written to the stored one.
CREATE VIEW signups_add (at, source, plan, n) AS SELECT 0, '', '', 0 WHERE 0;
CREATE TRIGGER signups_add INSTEAD OF INSERT ON signups_add
BEGIN
  INSERT INTO signups_daily (day, source, plan, signups, hours)
  VALUES (NEW.at - ((NEW.at % 86400000) + 86400000) % 86400000, coalesce(NEW.source, ''), coalesce(NEW.plan, ''), NEW.n,
    json_object(CAST(((NEW.at % 86400000) + 86400000) % 86400000 / 3600000 AS TEXT), NEW.n))
  ON CONFLICT DO UPDATE SET signups = signups + excluded.signups,
    hours = (SELECT json_set(signups_daily.hours, '$."' || key || '"', coalesce(json_extract(signups_daily.hours, '$."' || key || '"'), 0) + value) FROM json_each(excluded.hours));
END;

-- (signed_up_at, subscribed_at, n): the lag is worked out here.
CREATE VIEW funnel_add (at, subscribed_at, n) AS SELECT 0, 0, 0 WHERE 0;
CREATE TRIGGER funnel_add INSTEAD OF INSERT ON funnel_add
BEGIN
  INSERT INTO funnel_daily (day, lag, users, hours)
  VALUES (NEW.at - ((NEW.at % 86400000) + 86400000) % 86400000,
    CASE WHEN NEW.subscribed_at IS NULL OR NEW.subscribed_at - NEW.at >= 365 * 86400000 THEN 365 ELSE (NEW.subscribed_at - NEW.at) / 86400000 END,
    NEW.n, json_object(CAST(((NEW.at % 86400000) + 86400000) % 86400000 / 3600000 AS TEXT), NEW.n))
  ON CONFLICT DO UPDATE SET users = users + excluded.users,
    hours = (SELECT json_set(funnel_daily.hours, '$."' || key || '"', coalesce(json_extract(funnel_daily.hours, '$."' || key || '"'), 0) + value) FROM json_each(excluded.hours));
END;

CREATE VIEW mrr_add (at, plan, currency, mrr, subscriptions) AS SELECT 0, '', '', 0.0, 0 WHERE 0;
CREATE TRIGGER mrr_add INSTEAD OF INSERT ON mrr_add
BEGIN
  INSERT INTO mrr_daily (day, plan, currency, mrr, subscriptions, hour_mrr, hour_subscriptions)
  VALUES (NEW.at - ((NEW.at % 86400000) + 86400000) % 86400000, NEW.plan, NEW.currency, NEW.mrr, NEW.subscriptions,
    json_object(CAST(((NEW.at % 86400000) + 86400000) % 86400000 / 3600000 AS TEXT), NEW.mrr),
    json_object(CAST(((NEW.at % 86400000) + 86400000) % 86400000 / 3600000 AS TEXT), NEW.subscriptions))
  ON CONFLICT DO UPDATE SET mrr = mrr + excluded.mrr, subscriptions = subscriptions + excluded.subscriptions,
    hour_mrr = (SELECT json_set(mrr_daily.hour_mrr, '$."' || key || '"', coalesce(json_extract(mrr_daily.hour_mrr, '$."' || key || '"'), 0) + value) FROM json_each(excluded.hour_mrr)),
    hour_subscriptions = (SELECT json_set(mrr_daily.hour_subscriptions, '$."' || key || '"', coalesce(json_extract(mrr_daily.hour_subscriptions, '$."' || key || '"'), 0) + value) FROM json_each(excluded.hour_subscriptions));
END;

CREATE VIEW payments_add (at, currency, failures, amount) AS SELECT 0, '', 0, 0.0 WHERE 0;
CREATE TRIGGER payments_add INSTEAD OF INSERT ON payments_add
BEGIN
  INSERT INTO payments_daily (day, currency, failures, amount, hour_failures, hour_amount)
  VALUES (NEW.at - ((NEW.at % 86400000) + 86400000) % 86400000, NEW.currency, NEW.failures, NEW.amount,
    json_object(CAST(((NEW.at % 86400000) + 86400000) % 86400000 / 3600000 AS TEXT), NEW.failures),
    json_object(CAST(((NEW.at % 86400000) + 86400000) % 86400000 / 3600000 AS TEXT), NEW.amount))
  ON CONFLICT DO UPDATE SET failures = failures + excluded.failures, amount = amount + excluded.amount,
    hour_failures = (SELECT json_set(payments_daily.hour_failures, '$."' || key || '"', coalesce(json_extract(payments_daily.hour_failures, '$."' || key || '"'), 0) + value) FROM json_each(excluded.hour_failures)),
    hour_amount = (SELECT json_set(payments_daily.hour_amount, '$."' || key || '"', coalesce(json_extract(payments_daily.hour_amount, '$."' || key || '"'), 0) + value) FROM json_each(excluded.hour_amount));
END;

CREATE VIEW usage_add (at, feature, quantity, events) AS SELECT 0, '', 0.0, 0 WHERE 0;
CREATE TRIGGER usage_add INSTEAD OF INSERT ON usage_add
BEGIN
  INSERT INTO usage_daily (day, feature, quantity, events, hour_quantity, hour_events)
  VALUES (NEW.at - ((NEW.at % 86400000) + 86400000) % 86400000, NEW.feature, NEW.quantity, NEW.events,
    json_object(CAST(((NEW.at % 86400000) + 86400000) % 86400000 / 3600000 AS TEXT), NEW.quantity),
    json_object(CAST(((NEW.at % 86400000) + 86400000) % 86400000 / 3600000 AS TEXT), NEW.events))
  ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity, events = events + excluded.events,
    hour_quantity = (SELECT json_set(usage_daily.hour_quantity, '$."' || key || '"', coalesce(json_extract(usage_daily.hour_quantity, '$."' || key || '"'), 0) + value) FROM json_each(excluded.hour_quantity)),
    hour_events = (SELECT json_set(usage_daily.hour_events, '$."' || key || '"', coalesce(json_extract(usage_daily.hour_events, '$."' || key || '"'), 0) + value) FROM json_each(excluded.hour_events));
END;

-- Usage without a user is never among the top users: nothing to rank.
CREATE VIEW usage_user_add (at, user_id, quantity, events) AS SELECT 0, '', 0.0, 0 WHERE 0;
CREATE TRIGGER usage_user_add INSTEAD OF INSERT ON usage_user_add
BEGIN
  INSERT INTO usage_user_periods (user_id, period, quantity, events)
  SELECT NEW.user_id, (NEW.at - ((NEW.at % 2419200000) + 2419200000) % 2419200000) / 2419200000, NEW.quantity, NEW.events
  WHERE NEW.user_id IS NOT NULL
  ON CONFLICT DO UPDATE SET quantity = quantity + excluded.quantity, events = events + excluded.events;
END;

-- The first subscription change at or after the user's signup (NULL: none
-- yet), kept by the triggers below; funnel_daily follows it.
ALTER TABLE users ADD COLUMN subscribed_at INTEGER;

-- Backfill, through the same views, from what is stored now: grouped by hour
-- (by period for usage_user_periods) so a large history is one upsert per
-- hour and group instead of one per row.
UPDATE users SET subscribed_at = (
  SELECT min(occurred_at) FROM subscription_changes s WHERE s.user_id = users.user_id AND s.occurred_at >= users.signed_up_at
);

INSERT INTO signups_add (at, source, plan, n)
SELECT signed_up_at - ((signed_up_at % 3600000) + 3600000) % 3600000, source, plan, count(*) FROM users GROUP BY 1, 2, 3;

-- Grouped by (hour, lag): at the hour's start, subscribed_at = start + lag
-- days reproduces the lag (NULL for 365).
INSERT INTO funnel_add (at, subscribed_at, n)
SELECT hour, CASE WHEN lag = 365 THEN NULL ELSE hour + lag * 86400000 END, count(*)
FROM (
  SELECT signed_up_at - ((signed_up_at % 3600000) + 3600000) % 3600000 AS hour,
    CASE WHEN subscribed_at IS NULL OR subscribed_at - signed_up_at >= 365 * 86400000 THEN 365
      ELSE (subscribed_at - signed_up_at) / 86400000 END AS lag
  FROM users
)
GROUP BY 1, 2;

INSERT INTO mrr_add (at, plan, currency, mrr, subscriptions)
SELECT at - ((at % 3600000) + 3600000) % 3600000, plan, currency, sum(mrr), sum(subscriptions) FROM mrr_ledger GROUP BY 1, 2, 3;

INSERT INTO payments_add (at, currency, failures, amount)
SELECT occurred_at - ((occurred_at % 3600000) + 3600000) % 3600000, currency, count(*), sum(amount) FROM payment_failures GROUP BY 1, 2;

INSERT INTO usage_add (at, feature, quantity, events)
SELECT occurred_at - ((occurred_at % 3600000) + 3600000) % 3600000, feature, sum(quantity), count(*) FROM usage_records GROUP BY 1, 2;

INSERT INTO usage_user_add (at, user_id, quantity, events)
SELECT occurred_at - ((occurred_at % 2419200000) + 2419200000) % 2419200000, user_id, sum(quantity), count(*)
FROM usage_records WHERE user_id IS NOT NULL GROUP BY 1, 2;

-- Base-table triggers, created after the backfill so it is not counted twice.
-- The backfill and these land in this one migration: no write between them.

CREATE TRIGGER users_rollups_insert AFTER INSERT ON users
BEGIN
  INSERT INTO signups_add (at, source, plan, n) VALUES (NEW.signed_up_at, NEW.source, NEW.plan, 1);
  INSERT INTO funnel_add (at, subscribed_at, n) VALUES (NEW.signed_up_at, NULL, 1);
  -- A subscription that arrived before the signup (queues reorder).
  UPDATE users SET subscribed_at = (
    SELECT min(occurred_at) FROM subscription_changes WHERE user_id = NEW.user_id AND occurred_at >= NEW.signed_up_at
  )
  WHERE user_id = NEW.user_id
    AND EXISTS (SELECT 1 FROM subscription_changes WHERE user_id = NEW.user_id AND occurred_at >= NEW.signed_up_at);
END;

-- A newer signup event may change source and plan, an older one arriving
-- late moves signed_up_at earlier (users' ON CONFLICT in user-signup.ts).
CREATE TRIGGER users_signups_update AFTER UPDATE OF signed_up_at, source, plan ON users
WHEN (OLD.signed_up_at, OLD.source, OLD.plan) IS NOT (NEW.signed_up_at, NEW.source, NEW.plan)
BEGIN
  INSERT INTO signups_add (at, source, plan, n) VALUES (OLD.signed_up_at, OLD.source, OLD.plan, -1);
  INSERT INTO signups_add (at, source, plan, n) VALUES (NEW.signed_up_at, NEW.source, NEW.plan, 1);
END;

CREATE TRIGGER users_subscribed_at AFTER UPDATE OF signed_up_at ON users
WHEN OLD.signed_up_at IS NOT NEW.signed_up_at
BEGIN
  UPDATE users SET subscribed_at = (
    SELECT min(occurred_at) FROM subscription_changes WHERE user_id = NEW.user_id AND occurred_at >= NEW.signed_up_at
  )
  WHERE user_id = NEW.user_id AND subscribed_at IS NOT (
    SELECT min(occurred_at) FROM subscription_changes WHERE user_id = NEW.user_id AND occurred_at >= NEW.signed_up_at
  );
END;

CREATE TRIGGER users_funnel_update AFTER UPDATE OF signed_up_at, subscribed_at ON users
WHEN (OLD.signed_up_at, OLD.subscribed_at) IS NOT (NEW.signed_up_at, NEW.subscribed_at)
BEGIN
  INSERT INTO funnel_add (at, subscribed_at, n) VALUES (OLD.signed_up_at, OLD.subscribed_at, -1);
  INSERT INTO funnel_add (at, subscribed_at, n) VALUES (NEW.signed_up_at, NEW.subscribed_at, 1);
END;

-- A subscription change that comes before the user's known first one.
CREATE TRIGGER subscription_changes_funnel AFTER INSERT ON subscription_changes
WHEN NEW.user_id IS NOT NULL
BEGIN
  UPDATE users SET subscribed_at = NEW.occurred_at
  WHERE user_id = NEW.user_id AND signed_up_at <= NEW.occurred_at AND (subscribed_at IS NULL OR subscribed_at > NEW.occurred_at);
END;

-- A replay that moves a change to another user or time: work both users'
-- first change out again.
CREATE TRIGGER subscription_changes_funnel_replay AFTER UPDATE OF user_id, occurred_at ON subscription_changes
WHEN (OLD.user_id, OLD.occurred_at) IS NOT (NEW.user_id, NEW.occurred_at)
BEGIN
  UPDATE users SET subscribed_at = (
    SELECT min(s.occurred_at) FROM subscription_changes s WHERE s.user_id = users.user_id AND s.occurred_at >= users.signed_up_at
  )
  WHERE user_id IN (OLD.user_id, NEW.user_id) AND subscribed_at IS NOT (
    SELECT min(s.occurred_at) FROM subscription_changes s WHERE s.user_id = users.user_id AND s.occurred_at >= users.signed_up_at
  );
END;

-- mrr_daily follows every write to mrr_ledger, whoever makes it.
CREATE TRIGGER mrr_ledger_daily_insert AFTER INSERT ON mrr_ledger
BEGIN
  INSERT INTO mrr_add (at, plan, currency, mrr, subscriptions) VALUES (NEW.at, NEW.plan, NEW.currency, NEW.mrr, NEW.subscriptions);
END;

CREATE TRIGGER mrr_ledger_daily_delete AFTER DELETE ON mrr_ledger
BEGIN
  INSERT INTO mrr_add (at, plan, currency, mrr, subscriptions) VALUES (OLD.at, OLD.plan, OLD.currency, -OLD.mrr, -OLD.subscriptions);
END;

CREATE TRIGGER mrr_ledger_daily_update AFTER UPDATE ON mrr_ledger
WHEN (OLD.at, OLD.plan, OLD.currency, OLD.mrr, OLD.subscriptions) IS NOT (NEW.at, NEW.plan, NEW.currency, NEW.mrr, NEW.subscriptions)
BEGIN
  INSERT INTO mrr_add (at, plan, currency, mrr, subscriptions) VALUES (OLD.at, OLD.plan, OLD.currency, -OLD.mrr, -OLD.subscriptions);
  INSERT INTO mrr_add (at, plan, currency, mrr, subscriptions) VALUES (NEW.at, NEW.plan, NEW.currency, NEW.mrr, NEW.subscriptions);
END;

-- 0003's ledger trigger, with one change: the predecessor's end is moved by an
-- upsert instead of INSERT OR REPLACE, whose implicit delete fires no delete
-- trigger (unless recursive_triggers is on) and so would leave the old end
-- in mrr_daily.
DROP TRIGGER subscription_changes_mrr;
CREATE TRIGGER subscription_changes_mrr AFTER INSERT ON subscription_changes
BEGIN
  INSERT INTO mrr_ledger (event_id, kind, at, plan, currency, mrr, subscriptions)
  SELECT NEW.event_id, 'start', NEW.occurred_at, NEW.plan, NEW.currency, NEW.monthly_amount, 1
  WHERE NEW.status IN ('active', 'past_due');

  INSERT INTO mrr_ledger (event_id, kind, at, plan, currency, mrr, subscriptions)
  SELECT NEW.event_id, 'end', next.occurred_at, NEW.plan, NEW.currency, -NEW.monthly_amount, -1
  FROM (
    SELECT occurred_at FROM subscription_changes
    WHERE subscription_id = NEW.subscription_id AND (occurred_at, event_id) > (NEW.occurred_at, NEW.event_id)
    ORDER BY occurred_at, event_id LIMIT 1
  ) AS next
  WHERE NEW.status IN ('active', 'past_due');

  INSERT INTO mrr_ledger (event_id, kind, at, plan, currency, mrr, subscriptions)
  SELECT prev.event_id, 'end', NEW.occurred_at, prev.plan, prev.currency, -prev.monthly_amount, -1
  FROM (
    SELECT event_id, plan, currency, monthly_amount, status FROM subscription_changes
    WHERE subscription_id = NEW.subscription_id AND (occurred_at, event_id) < (NEW.occurred_at, NEW.event_id)
    ORDER BY occurred_at DESC, event_id DESC LIMIT 1
  ) AS prev
  WHERE prev.status IN ('active', 'past_due')
  ON CONFLICT (event_id, kind) DO UPDATE SET at = excluded.at;
END;

-- A replay that rewrites a change (a fixed event type): rebuild the ledger of
-- the subscriptions it was and is in, as 0003's backfill builds it. 0003 had
-- no such trigger, so the ledger kept what the first write derived.
CREATE TRIGGER subscription_changes_mrr_replay AFTER UPDATE ON subscription_changes
WHEN (OLD.subscription_id, OLD.occurred_at, OLD.plan, OLD.currency, OLD.monthly_amount, OLD.status)
  IS NOT (NEW.subscription_id, NEW.occurred_at, NEW.plan, NEW.currency, NEW.monthly_amount, NEW.status)
BEGIN
  DELETE FROM mrr_ledger WHERE event_id IN (
    SELECT event_id FROM subscription_changes WHERE subscription_id IN (OLD.subscription_id, NEW.subscription_id)
  );
  INSERT INTO mrr_ledger (event_id, kind, at, plan, currency, mrr, subscriptions)
  SELECT event_id, 'start', occurred_at, plan, currency, monthly_amount, 1 FROM subscription_changes
  WHERE subscription_id IN (OLD.subscription_id, NEW.subscription_id) AND status IN ('active', 'past_due');
  INSERT INTO mrr_ledger (event_id, kind, at, plan, currency, mrr, subscriptions)
  SELECT event_id, 'end', ended_at, plan, currency, -monthly_amount, -1
  FROM (
    SELECT *, lead(occurred_at) OVER (PARTITION BY subscription_id ORDER BY occurred_at, event_id) AS ended_at
    FROM subscription_changes WHERE subscription_id IN (OLD.subscription_id, NEW.subscription_id)
  )
  WHERE status IN ('active', 'past_due') AND ended_at IS NOT NULL;
END;

CREATE TRIGGER payment_failures_daily_insert AFTER INSERT ON payment_failures
BEGIN
  INSERT INTO payments_add (at, currency, failures, amount) VALUES (NEW.occurred_at, NEW.currency, 1, NEW.amount);
END;

CREATE TRIGGER payment_failures_daily_update AFTER UPDATE OF occurred_at, currency, amount ON payment_failures
WHEN (OLD.occurred_at, OLD.currency, OLD.amount) IS NOT (NEW.occurred_at, NEW.currency, NEW.amount)
BEGIN
  INSERT INTO payments_add (at, currency, failures, amount) VALUES (OLD.occurred_at, OLD.currency, -1, -OLD.amount);
  INSERT INTO payments_add (at, currency, failures, amount) VALUES (NEW.occurred_at, NEW.currency, 1, NEW.amount);
END;

CREATE TRIGGER usage_records_rollups_insert AFTER INSERT ON usage_records
BEGIN
  INSERT INTO usage_add (at, feature, quantity, events) VALUES (NEW.occurred_at, NEW.feature, NEW.quantity, 1);
  INSERT INTO usage_user_add (at, user_id, quantity, events) VALUES (NEW.occurred_at, NEW.user_id, NEW.quantity, 1);
END;

-- 0003's usage_hourly had no update trigger: a replay that rewrote a usage
-- record left the old quantity in it.
CREATE TRIGGER usage_records_rollups_update AFTER UPDATE OF occurred_at, feature, quantity, user_id ON usage_records
WHEN (OLD.occurred_at, OLD.feature, OLD.quantity, OLD.user_id) IS NOT (NEW.occurred_at, NEW.feature, NEW.quantity, NEW.user_id)
BEGIN
  INSERT INTO usage_add (at, feature, quantity, events) VALUES (OLD.occurred_at, OLD.feature, -OLD.quantity, -1);
  INSERT INTO usage_add (at, feature, quantity, events) VALUES (NEW.occurred_at, NEW.feature, NEW.quantity, 1);
  INSERT INTO usage_user_add (at, user_id, quantity, events) VALUES (OLD.occurred_at, OLD.user_id, -OLD.quantity, -1);
  INSERT INTO usage_user_add (at, user_id, quantity, events) VALUES (NEW.occurred_at, NEW.user_id, NEW.quantity, 1);
END;

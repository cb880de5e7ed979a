-- The per-event ledgers without their second copy of the key (issue 17:
-- fewer D1 rows written and b-tree entries per event). A rowid table with a
-- TEXT PRIMARY KEY keeps the key twice: the row under its rowid and a
-- separate unique index (sqlite_autoindex_*) from key to rowid, one more
-- b-tree entry and one more row written for every row. A WITHOUT ROWID table
-- is stored in its primary key's b-tree: the same columns, the same key and
-- the same conflict targets, one entry per row. Nothing reads these tables'
-- rowids and no foreign key names them. The cost: each secondary index now
-- ends with the TEXT key instead of an integer rowid, and keyed inserts fill
-- pages less densely than rowid appends, so a row takes a few more bytes
-- (test/storage/d1-footprint.test.ts).
--
-- Each table is rebuilt: a WITHOUT ROWID copy, the rows copied in key order
-- (no trigger is on the copy, so the rollups are not counted twice), the old
-- table dropped (its indexes and triggers go with it), the copy renamed, then
-- every index and trigger created again as 0003-0011 left them. All five go
-- together: users' triggers read subscription_changes, subscription_changes'
-- write users, and a rename checks every trigger in the schema, so the old
-- tables and their triggers are all gone before the first rename. No other
-- table's trigger or view names them. test/storage/migration-0012.test.ts
-- runs this on a database with history.

CREATE TABLE users_lean (
  user_id       TEXT PRIMARY KEY,
  email         TEXT,
  plan          TEXT,
  source        TEXT,
  signed_up_at  INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  last_event_id TEXT NOT NULL,
  subscribed_at INTEGER
) WITHOUT ROWID;
INSERT INTO users_lean (user_id, email, plan, source, signed_up_at, updated_at, last_event_id, subscribed_at)
SELECT user_id, email, plan, source, signed_up_at, updated_at, last_event_id, subscribed_at FROM users ORDER BY user_id;

CREATE TABLE subscriptions_lean (
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
) WITHOUT ROWID;
INSERT INTO subscriptions_lean (subscription_id, user_id, plan, amount, currency, interval, monthly_amount, status, updated_at, last_event_id)
SELECT subscription_id, user_id, plan, amount, currency, interval, monthly_amount, status, updated_at, last_event_id
FROM subscriptions ORDER BY subscription_id;

CREATE TABLE subscription_changes_lean (
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
) WITHOUT ROWID;
INSERT INTO subscription_changes_lean (event_id, subscription_id, user_id, plan, amount, currency, interval, monthly_amount, status, occurred_at)
SELECT event_id, subscription_id, user_id, plan, amount, currency, interval, monthly_amount, status, occurred_at
FROM subscription_changes ORDER BY event_id;

CREATE TABLE usage_records_lean (
  event_id    TEXT PRIMARY KEY,
  user_id     TEXT,
  feature     TEXT NOT NULL,
  quantity    REAL NOT NULL,
  occurred_at INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO usage_records_lean (event_id, user_id, feature, quantity, occurred_at)
SELECT event_id, user_id, feature, quantity, occurred_at FROM usage_records ORDER BY event_id;

CREATE TABLE payment_failures_lean (
  event_id        TEXT PRIMARY KEY,
  user_id         TEXT,
  subscription_id TEXT,
  invoice_id      TEXT,
  amount          REAL NOT NULL,
  currency        TEXT NOT NULL,
  reason          TEXT,
  occurred_at     INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO payment_failures_lean (event_id, user_id, subscription_id, invoice_id, amount, currency, reason, occurred_at)
SELECT event_id, user_id, subscription_id, invoice_id, amount, currency, reason, occurred_at FROM payment_failures ORDER BY event_id;

DROP TABLE users;
DROP TABLE subscriptions;
DROP TABLE subscription_changes;
DROP TABLE usage_records;
DROP TABLE payment_failures;

ALTER TABLE users_lean RENAME TO users;
ALTER TABLE subscriptions_lean RENAME TO subscriptions;
ALTER TABLE subscription_changes_lean RENAME TO subscription_changes;
ALTER TABLE usage_records_lean RENAME TO usage_records;
ALTER TABLE payment_failures_lean RENAME TO payment_failures;

-- Indexes, as before: each is read by an analytics statement
-- (src/analytics/queries/, pinned by test/analytics/query-plans.test.ts) or a
-- trigger's lookup below (subscription_changes_sub_time: the MRR ledger's
-- previous and next change; subscription_changes_user_time: a user's first
-- subscription, and the funnel's edges). An index on a WITHOUT ROWID table
-- ends with the primary key instead of a rowid.
CREATE INDEX users_signup_cover ON users (signed_up_at, source, plan, user_id);
CREATE INDEX subscription_changes_sub_time ON subscription_changes (subscription_id, occurred_at);
CREATE INDEX subscription_changes_user_time ON subscription_changes (user_id, occurred_at);
CREATE INDEX payment_failures_cover ON payment_failures (occurred_at, currency, amount);
CREATE INDEX usage_user_cover ON usage_records (user_id, occurred_at, feature, quantity);
CREATE INDEX usage_time_cover ON usage_records (occurred_at, feature, quantity);

-- Triggers, exactly as 0003, 0005 and 0007 left them.
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
CREATE TRIGGER subscription_changes_funnel AFTER INSERT ON subscription_changes
WHEN NEW.user_id IS NOT NULL
BEGIN
  UPDATE users SET subscribed_at = NEW.occurred_at
  WHERE user_id = NEW.user_id AND signed_up_at <= NEW.occurred_at AND (subscribed_at IS NULL OR subscribed_at > NEW.occurred_at);
END;
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
CREATE TRIGGER usage_records_rollups_insert AFTER INSERT ON usage_records
BEGIN
  INSERT INTO usage_add (at, feature, quantity, events) VALUES (NEW.occurred_at, NEW.feature, NEW.quantity, 1);
  INSERT INTO usage_user_add (at, user_id, quantity, events) VALUES (NEW.occurred_at, NEW.user_id, NEW.quantity, 1);
END;
CREATE TRIGGER usage_records_rollups_update AFTER UPDATE OF occurred_at, feature, quantity, user_id ON usage_records
WHEN (OLD.occurred_at, OLD.feature, OLD.quantity, OLD.user_id) IS NOT (NEW.occurred_at, NEW.feature, NEW.quantity, NEW.user_id)
BEGIN
  INSERT INTO usage_add (at, feature, quantity, events) VALUES (OLD.occurred_at, OLD.feature, -OLD.quantity, -1);
  INSERT INTO usage_add (at, feature, quantity, events) VALUES (NEW.occurred_at, NEW.feature, NEW.quantity, 1);
  INSERT INTO usage_user_add (at, user_id, quantity, events) VALUES (OLD.occurred_at, OLD.user_id, -OLD.quantity, -1);
  INSERT INTO usage_user_add (at, user_id, quantity, events) VALUES (NEW.occurred_at, NEW.user_id, NEW.quantity, 1);
END;
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

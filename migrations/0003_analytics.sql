-- Analytics API (src/analytics/queries/): covering indexes, plus two small
-- tables kept by triggers so MRR and usage never re-aggregate raw history.
-- Proof: test/analytics/query-plans.test.ts and `npm run bench:analytics`.
-- subscription_changes and usage_records are append-only (keyed inserts that
-- do nothing on redelivery or replay), and these triggers fire only on real
-- inserts, so nothing is ever counted twice.

-- signups, and funnel cohorts: signups in a time range by source and plan.
CREATE INDEX users_signup_cover ON users (signed_up_at, source, plan, user_id);

-- funnel: "did this user subscribe within N days of signing up?"
CREATE INDEX subscription_changes_user_time ON subscription_changes (user_id, occurred_at);

-- usage top users: one pass in user order, no sort of the whole range.
CREATE INDEX usage_user_cover ON usage_records (user_id, occurred_at, feature, quantity);
-- usage edges: the partial hours at either end of a window.
CREATE INDEX usage_time_cover ON usage_records (occurred_at, feature, quantity);

-- MRR ledger: a subscription change that earns (status active or past_due)
-- adds its monthly_amount under its plan and currency at its own time
-- ('start'), and takes it away when the subscription's next change replaces
-- it ('end'). MRR at t = sum of the ledger up to t. Changes are ordered like
-- the subscriptions table's last-writer-wins: (occurred_at, event_id).
CREATE TABLE mrr_ledger (
  event_id      TEXT NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('start', 'end')),
  at            INTEGER NOT NULL,
  plan          TEXT NOT NULL,
  currency      TEXT NOT NULL,
  mrr           REAL NOT NULL,
  subscriptions INTEGER NOT NULL,
  PRIMARY KEY (event_id, kind)
) WITHOUT ROWID;
-- Opening MRR: one ordered pass grouped by (plan, currency), no sort.
CREATE INDEX mrr_ledger_key ON mrr_ledger (plan, currency, at, mrr, subscriptions);
-- Changes inside the window.
CREATE INDEX mrr_ledger_time ON mrr_ledger (at, plan, currency, mrr, subscriptions);

INSERT INTO mrr_ledger (event_id, kind, at, plan, currency, mrr, subscriptions)
SELECT event_id, 'start', occurred_at, plan, currency, monthly_amount, 1
FROM subscription_changes WHERE status IN ('active', 'past_due');

INSERT INTO mrr_ledger (event_id, kind, at, plan, currency, mrr, subscriptions)
SELECT event_id, 'end', ended_at, plan, currency, -monthly_amount, -1
FROM (
  SELECT *, lead(occurred_at) OVER (PARTITION BY subscription_id ORDER BY occurred_at, event_id) AS ended_at
  FROM subscription_changes
)
WHERE status IN ('active', 'past_due') AND ended_at IS NOT NULL;

-- A change may arrive out of order: it ends where its successor starts, and
-- its predecessor now ends where it starts.
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

  INSERT OR REPLACE INTO mrr_ledger (event_id, kind, at, plan, currency, mrr, subscriptions)
  SELECT prev.event_id, 'end', NEW.occurred_at, prev.plan, prev.currency, -prev.monthly_amount, -1
  FROM (
    SELECT event_id, plan, currency, monthly_amount, status FROM subscription_changes
    WHERE subscription_id = NEW.subscription_id AND (occurred_at, event_id) < (NEW.occurred_at, NEW.event_id)
    ORDER BY occurred_at DESC, event_id DESC LIMIT 1
  ) AS prev
  WHERE prev.status IN ('active', 'past_due');
END;

-- Usage per (hour, feature): windows read whole hours from here and only
-- the partial hours at their edges from usage_records.
CREATE TABLE usage_hourly (
  hour     INTEGER NOT NULL,
  feature  TEXT NOT NULL,
  quantity REAL NOT NULL,
  events   INTEGER NOT NULL,
  PRIMARY KEY (hour, feature)
) WITHOUT ROWID;

INSERT INTO usage_hourly (hour, feature, quantity, events)
SELECT occurred_at - occurred_at % 3600000, feature, sum(quantity), count(*) FROM usage_records GROUP BY 1, 2;

CREATE TRIGGER usage_records_hourly AFTER INSERT ON usage_records
BEGIN
  INSERT INTO usage_hourly (hour, feature, quantity, events)
  VALUES (NEW.occurred_at - NEW.occurred_at % 3600000, NEW.feature, NEW.quantity, 1)
  ON CONFLICT (hour, feature) DO UPDATE SET quantity = quantity + excluded.quantity, events = events + 1;
END;

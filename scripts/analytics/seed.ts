// Seeds a local D1 file with synthetic history straight through SQLite:
// `events` rows plus the derived rows the consumer would have written, so a
// 1M-event database takes seconds instead of hours of queue traffic.
import { DatabaseSync } from "node:sqlite";

export const SEED_START = Date.UTC(2026, 5, 1); // 2026-06-01
export const SEED_DAYS = 183; // to 2026-12-01
const SPAN = SEED_DAYS * 86_400_000;

export interface SeedCounts {
	signups: number;
	subscriptionChanges: number;
	subscriptions: number;
	paymentFailures: number;
	usage: number;
}

// 20% signups, 15% subscription changes (2.5 per subscription), 2% failed
// payments, 63% usage.
export function seedCounts(events: number): SeedCounts {
	const signups = Math.floor(events * 0.2);
	const subscriptionChanges = Math.floor(events * 0.15);
	const paymentFailures = Math.floor(events * 0.02);
	return {
		signups,
		subscriptionChanges,
		subscriptions: Math.ceil(subscriptionChanges / 2.5),
		paymentFailures,
		usage: events - signups - subscriptionChanges - paymentFailures,
	};
}

// Rows 0..n-1 of a recursive sequence, each spread evenly over the span.
const sequence = (n: number) => `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n - 1})`;
const at = (n: number) => `(${SEED_START} + i * ${SPAN} / ${n})`;

const EVENT_COLUMNS =
	"event_id, source, event_type, user_id, occurred_at, received_at, processed_at, latency_ms, attempts, status, payload";
// The events row behind each derived row of table t, as the consumer would
// have stored it (latency 200-900 ms, first try).
function eventRows(type: string, from: string, columns: { id: string; time: string; metadata: string }): string {
	const { id, time, metadata } = columns;
	return `INSERT INTO events (${EVENT_COLUMNS})
SELECT ${id}, 'bench', '${type}', t.user_id, ${time}, ${time} + 40, ${time} + 240 + ${time} % 700, 200 + ${time} % 700, 1, 'processed',
	json_object('event_id', ${id}, 'event_type', '${type}', 'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', ${time} / 1000.0, 'unixepoch'),
		'user_id', t.user_id, 'metadata', ${metadata})
FROM ${from} t`;
}

export function seed(file: string, events: number): SeedCounts {
	const counts = seedCounts(events);
	const { signups: S, subscriptionChanges: B, subscriptions: K, paymentFailures: P, usage: U } = counts;
	const db = new DatabaseSync(file);
	db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; BEGIN");
	db.exec(`${sequence(S)}
INSERT INTO users (user_id, email, plan, source, signed_up_at, updated_at, last_event_id)
SELECT 'u' || i, 'u' || i || '@example.com',
	CASE i * 17 % 4 WHEN 0 THEN 'pro' WHEN 1 THEN 'team' ELSE 'free' END,
	CASE i * 31 % 5 WHEN 0 THEN 'google' WHEN 1 THEN 'direct' WHEN 2 THEN 'twitter' WHEN 3 THEN 'newsletter' ELSE NULL END,
	${at(S)}, ${at(S)}, 'evt_signup_' || i FROM seq`);
	db.exec(
		eventRows("user_signup", "users", {
			id: "t.last_event_id",
			time: "t.signed_up_at",
			metadata: "json_object('email', t.email, 'plan', t.plan, 'source', t.source)",
		}),
	);
	// Subscription k changes every K rows, so its history moves forward in
	// time; its user signed up up to ~18 days before the first change.
	db.exec(`${sequence(B)}, rows AS (
	SELECT i, i % ${K} AS k, ${at(B)} AS occurred_at, i * 13 % 3 AS tier, i % 5 = 0 AS yearly FROM seq
)
INSERT INTO subscription_changes (event_id, subscription_id, user_id, plan, amount, currency, interval, monthly_amount, status, occurred_at)
SELECT 'evt_sub_' || i, 'sub_' || k, 'u' || max(0, k * ${S} / ${B} - k * 7919 % 20000),
	CASE tier WHEN 0 THEN 'starter' WHEN 1 THEN 'pro' ELSE 'business' END,
	CASE tier WHEN 0 THEN 10 WHEN 1 THEN 30 ELSE 100 END * CASE WHEN yearly THEN 10 ELSE 1 END,
	CASE WHEN i % 7 = 0 THEN 'EUR' ELSE 'USD' END,
	CASE WHEN yearly THEN 'year' ELSE 'month' END,
	round(CASE tier WHEN 0 THEN 10 WHEN 1 THEN 30 ELSE 100 END * CASE WHEN yearly THEN 10 / 12.0 ELSE 1 END, 2),
	CASE WHEN i % 11 = 0 THEN 'canceled' ELSE 'active' END,
	occurred_at
FROM rows`);
	db.exec(
		eventRows("subscription_created", "subscription_changes", {
			id: "t.event_id",
			time: "t.occurred_at",
			metadata:
				"json_object('subscription_id', t.subscription_id, 'plan', t.plan, 'amount', t.amount, 'currency', t.currency, 'interval', t.interval, 'status', t.status)",
		}),
	);
	db.exec(`INSERT INTO subscriptions (subscription_id, user_id, plan, amount, currency, interval, monthly_amount, status, updated_at, last_event_id)
SELECT subscription_id, user_id, plan, amount, currency, interval, monthly_amount, status, max(occurred_at), event_id
FROM subscription_changes GROUP BY subscription_id`);
	// Failed payments of the subscriptions' users, in three currencies.
	db.exec(`${sequence(P)}
INSERT INTO payment_failures (event_id, user_id, subscription_id, invoice_id, amount, currency, reason, occurred_at)
SELECT 'evt_pay_' || i, 'u' || (i * 7919 % ${S}), 'sub_' || (i % ${K}), 'in_' || i,
	CASE i % 3 WHEN 0 THEN 10 WHEN 1 THEN 30 ELSE 100 END + (i % 100) / 100.0,
	CASE i % 5 WHEN 0 THEN 'EUR' WHEN 1 THEN 'GBP' ELSE 'USD' END,
	CASE WHEN i % 4 = 0 THEN 'card_declined' ELSE NULL END, ${at(P)} FROM seq`);
	db.exec(
		eventRows("payment_failed", "payment_failures", {
			id: "t.event_id",
			time: "t.occurred_at",
			metadata: "json_object('amount', t.amount, 'currency', t.currency, 'invoice_id', t.invoice_id, 'subscription_id', t.subscription_id)",
		}),
	);
	// Usage: 30% from 50 power users, the rest spread over every user.
	db.exec(`${sequence(U)}
INSERT INTO usage_records (event_id, user_id, feature, quantity, occurred_at)
SELECT 'evt_use_' || i, 'u' || CASE WHEN i % 10 < 3 THEN i % 50 ELSE i * 48271 % ${S} END,
	CASE i * 7 % 8 WHEN 0 THEN 'api_calls' WHEN 1 THEN 'exports' WHEN 2 THEN 'seats' WHEN 3 THEN 'storage_gb'
		WHEN 4 THEN 'reports' WHEN 5 THEN 'webhooks' WHEN 6 THEN 'ai_tokens' ELSE 'sso_logins' END,
	1 + i * 31 % 100, ${at(U)} FROM seq`);
	db.exec(
		eventRows("usage_tracked", "usage_records", {
			id: "t.event_id",
			time: "t.occurred_at",
			metadata: "json_object('feature', t.feature, 'quantity', t.quantity)",
		}),
	);
	db.exec("COMMIT; PRAGMA wal_checkpoint(TRUNCATE)");
	db.close();
	return counts;
}

// Realistic webhook traffic: users sign up and are then reused by their
// subscriptions and usage, plans and amounts make MRR meaningful, and event
// times are spread over the past weeks. Seeded, so a run can be replayed.
import type { EventEnvelope } from "../../src/events/envelope";

// Share of each type in real traffic (issue 3): 35 / 28 / 37.
export const TYPE_MIX = [
	["user_signup", 0.35],
	["subscription_created", 0.28],
	["usage_tracked", 0.37],
] as const;

export type EventType = (typeof TYPE_MIX)[number][0];

const PLANS = [
	{ plan: "starter", month: 9, year: 90, weight: 0.5 },
	{ plan: "pro", month: 29, year: 290, weight: 0.35 },
	{ plan: "business", month: 99, year: 990, weight: 0.15 },
] as const;
const CURRENCIES = [
	["USD", 0.7],
	["EUR", 0.2],
	["GBP", 0.1],
] as const;
const SIGNUP_SOURCES = [
	["organic", 0.45],
	["google_ads", 0.25],
	["referral", 0.2],
	["product_hunt", 0.1],
] as const;
const FEATURES = ["api_calls", "storage_gb", "seats", "exports"] as const;

// mulberry32: tiny, fast, good enough for traffic shapes (not for secrets).
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function weightedPick<T>(entries: readonly (readonly [T, number])[], random: () => number): T {
	const total = entries.reduce((sum, [, w]) => sum + w, 0);
	let roll = random() * total;
	for (const [value, weight] of entries) {
		roll -= weight;
		if (roll < 0) return value;
	}
	return entries[entries.length - 1]![0];
}

// A run id that sorts as a key prefix: every event id of the run starts with
// `${runId}-`, so reconciliation selects the run with one index range scan.
export function newRunId(now = Date.now(), random: () => number = Math.random): string {
	const suffix = Math.floor(random() * 36 ** 4)
		.toString(36)
		.padStart(4, "0");
	return `ev${now.toString(36)}${suffix}`;
}

export interface FactoryOptions {
	runId: string;
	seed: number;
	// Event times are spread over this window, ending at `now`.
	spanMs?: number;
	// Expected events in the run, so their times cover the whole window.
	expectedEvents?: number;
	now?: number;
}

export interface EventFactory {
	// The next realistic event in the 35/28/37 mix.
	next(type?: EventType): EventEnvelope;
	// An event whose envelope is valid (accepted at ingest) but whose data the
	// handler rejects, so the consumer must dead-letter it.
	poison(): EventEnvelope;
	readonly users: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function createEventFactory(options: FactoryOptions): EventFactory {
	const random = seededRandom(options.seed);
	const now = options.now ?? Date.now();
	const span = options.spanMs ?? 30 * DAY_MS;
	const meanGap = span / Math.max(1, options.expectedEvents ?? 1000);
	let clock = now - span;
	let seq = 0;
	const users: string[] = [];

	const nextId = () => `${options.runId}-${String(++seq).padStart(6, "0")}`;
	const nextTime = () => {
		clock = Math.min(now, clock + random() * 2 * meanGap);
		return new Date(Math.round(clock)).toISOString();
	};
	const existingUser = () => users[Math.floor(random() * users.length)]!;
	const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

	function signup(): EventEnvelope {
		const userId = `u_${options.runId}_${users.length + 1}`;
		users.push(userId);
		const source = weightedPick(SIGNUP_SOURCES, random);
		return envelope("user_signup", userId, { email: `${userId}@example.com`, plan: "free", source });
	}

	function subscription(): EventEnvelope {
		const userId = existingUser();
		const plan = weightedPick(
			PLANS.map((p) => [p, p.weight] as const),
			random,
		);
		const yearly = random() < 0.25;
		return envelope("subscription_created", userId, {
			subscription_id: `sub_${userId}`,
			plan: plan.plan,
			amount: yearly ? plan.year : plan.month,
			currency: weightedPick(CURRENCIES, random),
			interval: yearly ? "year" : "month",
			status: random() < 0.05 ? "canceled" : "active",
		});
	}

	function usage(): EventEnvelope {
		const feature = FEATURES[Math.floor(random() * FEATURES.length)]!;
		const quantity = feature === "api_calls" ? int(1, 500) : feature === "storage_gb" ? int(1, 500) / 10 : int(1, 5);
		return envelope("usage_tracked", existingUser(), { feature, quantity });
	}

	function envelope(event_type: EventType, user_id: string, metadata: Record<string, unknown>): EventEnvelope {
		return { event_id: nextId(), event_type, timestamp: nextTime(), user_id, metadata };
	}

	const make: Record<EventType, () => EventEnvelope> = {
		user_signup: signup,
		subscription_created: subscription,
		usage_tracked: usage,
	};

	return {
		next(type) {
			// Subscriptions and usage belong to someone who signed up first.
			const chosen = users.length === 0 ? "user_signup" : (type ?? weightedPick(TYPE_MIX, random));
			return make[chosen]();
		},
		poison() {
			const userId = users.length ? existingUser() : `u_${options.runId}_0`;
			// Negative quantity and no feature: the usage handler refuses it.
			return envelope("usage_tracked", userId, { quantity: -int(1, 10) });
		},
		get users() {
			return users.length;
		},
	};
}

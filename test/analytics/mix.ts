import type { EventEnvelope } from "../../src/events/envelope";

// A deterministic mix of every analytics event type over six days from
// `start`, awkward on purpose: events on the stroke of midnight and a
// millisecond before it, users who sign up twice (later with another plan and
// source, or earlier, arriving late), subscriptions that change plan, currency
// and status up to four times, some before their user signs up, one without a
// user, usage with and without a user (a few heavy users), failed payments in
// three currencies. Quantities and amounts are sums of binary fractions or
// whole cents, so totals compare exactly.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
		return state / 2 ** 32;
	};
}

export function seededMix(seed: number, start: number, tag: string): EventEnvelope[] {
	const next = random(seed);
	const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
	// Mostly anywhere in the six days; a fifth exactly on a midnight or a millisecond before one.
	const at = (): number => {
		const day = Math.floor(next() * 6);
		const r = next();
		if (r < 0.1) return start + day * DAY;
		if (r < 0.2) return start + (day + 1) * DAY - 1;
		return start + day * DAY + Math.floor(next() * DAY);
	};
	const iso = (ms: number) => new Date(ms).toISOString();
	let n = 0;
	const event = (type: string, time: number, user_id: string | undefined, metadata: Record<string, unknown>): EventEnvelope => ({
		event_id: `${tag}_${type}_${++n}`,
		event_type: type,
		timestamp: iso(time),
		user_id,
		metadata,
	});

	const users = Array.from({ length: 40 }, (_, i) => `${tag}_user_${i}`);
	const events: EventEnvelope[] = [];
	const signedUp = new Map<string, number>();
	for (const user of users) {
		const time = at();
		signedUp.set(user, time);
		events.push(event("user_signup", time, user, { plan: pick(["free", "pro", undefined]), source: pick(["google", "ads", undefined]) }));
	}
	// Ten sign up again: five later with other details, five earlier (the late
	// arrival moves signed_up_at back, and maybe past a subscription).
	for (const [i, user] of users.slice(0, 10).entries()) {
		const first = signedUp.get(user)!;
		const time = i < 5 ? first + Math.floor(next() * 2 * DAY) : Math.max(start, first - Math.floor(next() * 2 * DAY));
		events.push(event("user_signup", time, user, { plan: pick(["team", "pro"]), source: pick(["newsletter", "ads"]) }));
	}

	for (let s = 0; s < 16; s++) {
		const user = s === 15 ? undefined : pick(users);
		const changes = 1 + Math.floor(next() * 4);
		for (let c = 0; c < changes; c++) {
			events.push(
				event("subscription_created", at(), user, {
					subscription_id: s % 3 === 0 && user ? undefined : `${tag}_sub_${s}`,
					plan: pick(["starter", "pro", "business"]),
					amount: pick([10, 29, 120, 0.5]),
					currency: pick(["usd", "EUR"]),
					interval: pick(["month", "year", "quarter"]),
					status: pick(["active", "active", "past_due", "canceled", "trialing"]),
				}),
			);
		}
	}

	const heavy = users.slice(0, 3);
	for (let u = 0; u < 200; u++) {
		const user = next() < 0.4 ? pick(heavy) : next() < 0.1 ? undefined : pick(users);
		events.push(
			event("usage_tracked", at(), user, {
				feature: pick(["api_calls", "exports", "seats", "unnamed"]),
				quantity: Math.floor(next() * 40) / 4,
			}),
		);
	}
	for (let p = 0; p < 20; p++) {
		events.push(
			event("payment_failed", at(), pick(users), { amount: Math.floor(next() * 10_000) / 100, currency: pick(["usd", "EUR", "gbp"]) }),
		);
	}

	// Shuffled: the queue guarantees no order.
	for (let i = events.length - 1; i > 0; i--) {
		const j = Math.floor(next() * (i + 1));
		[events[i], events[j]] = [events[j]!, events[i]!];
	}
	return events;
}

// Windows over the mix: whole days and partial ones, every interval, one
// inside a single day (no whole day at all), filters and funnel lengths.
export function windowsOver(start: number): string[] {
	const iso = (ms: number) => new Date(ms).toISOString();
	const w = (from: number, to: number, interval: string, extra = "") => `from=${iso(from)}&to=${iso(to)}&interval=${interval}${extra}`;
	return [
		w(start + 10.5 * HOUR, start + 3 * DAY + 5.25 * HOUR, "hour"),
		w(start, start + 2 * DAY, "hour"),
		w(start + DAY + 2 * HOUR, start + DAY + 20 * HOUR, "hour"),
		w(start + 7.75 * HOUR, start + 6 * DAY - 2 * HOUR, "day"),
		w(start - DAY, start + 7 * DAY, "day"),
		w(start + 2 * DAY - 1, start + 4 * DAY + 1, "day"),
		w(start - 3 * DAY + 13 * HOUR, start + 10 * DAY, "week"),
		w(start + 2 * DAY, start + 5 * DAY + 30 * 60_000, "day", "&feature=api_calls&top=2&days=1"),
		w(start + 5 * HOUR, start + 6 * DAY, "week", "&top=3&days=3"),
	];
}

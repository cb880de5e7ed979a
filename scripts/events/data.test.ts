import { describe, expect, it } from "vitest";
import { eventEnvelopeSchema } from "../../src/events/envelope";
import { createEventFactory, newRunId, seededRandom, TYPE_MIX, weightedPick } from "./data";

const NOW = Date.parse("2026-11-27T12:00:00Z");
const factory = (seed = 1, expectedEvents = 2000) => createEventFactory({ runId: "evtest", seed, now: NOW, expectedEvents });

describe("event factory", () => {
	it("produces envelopes the Worker accepts, with run-prefixed unique ids", () => {
		const f = factory();
		const events = Array.from({ length: 500 }, () => f.next());
		for (const e of events) expect(eventEnvelopeSchema.safeParse(e).success).toBe(true);
		expect(new Set(events.map((e) => e.event_id)).size).toBe(500);
		expect(events.every((e) => e.event_id.startsWith("evtest-"))).toBe(true);
	});

	it("follows the 35/28/37 type mix", () => {
		const f = factory();
		const events = Array.from({ length: 5000 }, () => f.next());
		for (const [type, share] of TYPE_MIX) {
			const actual = events.filter((e) => e.event_type === type).length / events.length;
			expect(actual).toBeGreaterThan(share - 0.03);
			expect(actual).toBeLessThan(share + 0.03);
		}
	});

	it("reuses users: subscriptions and usage belong to users who signed up", () => {
		const f = factory();
		const events = Array.from({ length: 1000 }, () => f.next());
		const signedUp = new Set(events.filter((e) => e.event_type === "user_signup").map((e) => e.user_id));
		const others = events.filter((e) => e.event_type !== "user_signup");
		expect(others.every((e) => signedUp.has(e.user_id))).toBe(true);
		expect(new Set(others.map((e) => e.user_id)).size).toBeLessThan(others.length);
		expect(events[0]!.event_type).toBe("user_signup");
	});

	it("gives subscriptions plans, amounts and intervals that make MRR meaningful", () => {
		const f = factory();
		f.next(); // someone to subscribe
		const subs = Array.from({ length: 2000 }, () => f.next("subscription_created"));
		expect(subs.every((s) => s.event_type === "subscription_created")).toBe(true);
		const amounts = new Set(subs.map((s) => s.metadata?.amount));
		expect(amounts.size).toBeGreaterThanOrEqual(4);
		expect(new Set(subs.map((s) => s.metadata?.interval))).toEqual(new Set(["month", "year"]));
		expect(subs.every((s) => typeof s.metadata?.amount === "number" && (s.metadata.amount as number) > 0)).toBe(true);
	});

	it("spreads timestamps over the window, in order, never in the future", () => {
		const f = factory(3, 1000);
		const times = Array.from({ length: 1000 }, () => Date.parse(f.next().timestamp));
		expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
		expect(times.at(-1)! - times[0]!).toBeGreaterThan(20 * 24 * 3600 * 1000);
		expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
	});

	it("is reproducible from its seed", () => {
		const a = factory(42);
		const b = factory(42);
		expect(Array.from({ length: 50 }, () => a.next())).toEqual(Array.from({ length: 50 }, () => b.next()));
	});

	it("makes poison that passes the envelope but breaks the usage handler's rules", () => {
		const p = factory().poison();
		expect(eventEnvelopeSchema.safeParse(p).success).toBe(true);
		expect(p.event_type).toBe("usage_tracked");
		expect(p.metadata?.feature).toBeUndefined();
		expect(p.metadata?.quantity as number).toBeLessThan(0);
	});
});

describe("helpers", () => {
	it("seeded random stays within [0, 1) and differs between seeds", () => {
		const r = seededRandom(9);
		const values = Array.from({ length: 1000 }, r);
		expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
		expect(seededRandom(1)()).not.toBe(seededRandom(2)());
	});

	it("weighted pick honours the weights", () => {
		expect(
			weightedPick(
				[
					["a", 1],
					["b", 0],
				] as const,
				() => 0.99,
			),
		).toBe("a");
		expect(
			weightedPick(
				[
					["a", 1],
					["b", 3],
				] as const,
				() => 0.3,
			),
		).toBe("b");
	});

	it("run ids are key-safe and distinct", () => {
		const id = newRunId(NOW, () => 0.5);
		expect(id).toMatch(/^ev[0-9a-z]+$/);
		expect(newRunId(NOW, () => 0.1)).not.toBe(id);
	});
});

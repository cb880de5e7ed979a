import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../src/events/envelope";
import { adminJson, processEvents } from "../admin/helpers";

// Sources, plans and features are whatever senders call them, including the
// names of Object.prototype members. This test owns May 2031.
const event = (event_type: string, timestamp: string, user_id: string, metadata: Record<string, unknown>): EventEnvelope => ({
	event_id: `keys_${event_type}_${crypto.randomUUID()}`,
	event_type,
	timestamp,
	user_id,
	metadata,
});

const WINDOW = "from=2031-05-01T00:00:00Z&to=2031-05-03T00:00:00Z&interval=day";

// JSON.parse makes "__proto__" an own key, so toEqual compares it like any other.
const json = async <T>(path: string): Promise<T> => JSON.parse(JSON.stringify(await adminJson<T>(path)));

describe("analytics totals keyed by names senders chose", () => {
	it("counts signups whose source or plan is __proto__, constructor or toString", async () => {
		const user = () => `keys_user_${crypto.randomUUID()}`;
		await processEvents([
			event("user_signup", "2031-05-01T10:00:00Z", user(), { source: "__proto__", plan: "constructor" }),
			event("user_signup", "2031-05-01T11:00:00Z", user(), { source: "__proto__", plan: "toString" }),
			event("user_signup", "2031-05-02T10:00:00Z", user(), { source: "constructor", plan: "__proto__" }),
			event("user_signup", "2031-05-02T11:00:00Z", user(), { source: "toString", plan: "__proto__" }),
		]);
		const body = await json<{ total: number; by_source: unknown; by_plan: unknown; series: unknown[] }>(`/api/analytics/signups?${WINDOW}`);
		expect(body.total).toBe(4);
		expect(body.by_source).toEqual(JSON.parse('{"__proto__":2,"constructor":1,"toString":1}'));
		expect(body.by_plan).toEqual(JSON.parse('{"constructor":1,"toString":1,"__proto__":2}'));
		expect(body.series).toEqual([
			{
				bucket: "2031-05-01T00:00:00.000Z",
				signups: 2,
				...JSON.parse('{"by_source":{"__proto__":2},"by_plan":{"constructor":1,"toString":1}}'),
			},
			{
				bucket: "2031-05-02T00:00:00.000Z",
				signups: 2,
				...JSON.parse('{"by_source":{"constructor":1,"toString":1},"by_plan":{"__proto__":2}}'),
			},
		]);
	});

	it("totals usage of features named __proto__, constructor and toString", async () => {
		const user = `keys_usage_${crypto.randomUUID()}`;
		await processEvents([
			event("usage_tracked", "2031-05-01T10:00:00Z", user, { feature: "__proto__", quantity: 2 }),
			event("usage_tracked", "2031-05-01T10:30:00Z", user, { feature: "__proto__", quantity: 3 }),
			event("usage_tracked", "2031-05-01T11:00:00Z", user, { feature: "constructor", quantity: 7 }),
			event("usage_tracked", "2031-05-02T10:00:00Z", user, { feature: "toString", quantity: 1 }),
		]);
		const body = await json<{ features: unknown[]; series: unknown[] }>(`/api/analytics/usage?${WINDOW}`);
		expect(body.features).toEqual([
			{ feature: "constructor", quantity: 7, events: 1 },
			{ feature: "__proto__", quantity: 5, events: 2 },
			{ feature: "toString", quantity: 1, events: 1 },
		]);
		expect(body.series).toEqual([
			{ bucket: "2031-05-01T00:00:00.000Z", quantity: 12, by_feature: JSON.parse('{"__proto__":5,"constructor":7}') },
			{ bucket: "2031-05-02T00:00:00.000Z", quantity: 1, by_feature: JSON.parse('{"toString":1}') },
		]);
	});

	it("keeps MRR of a plan named __proto__ under that plan", async () => {
		const user = `keys_mrr_${crypto.randomUUID()}`;
		await processEvents([
			event("subscription_created", "2031-05-01T10:00:00Z", user, { plan: "__proto__", amount: 10, currency: "USD", interval: "month" }),
			event("subscription_created", "2031-05-01T11:00:00Z", `${user}_2`, {
				plan: "constructor",
				amount: 120,
				currency: "USD",
				interval: "year",
			}),
		]);
		const body = await json<{ current: Record<string, unknown> }>(`/api/analytics/mrr?${WINDOW}`);
		expect(body.current.USD).toMatchObject({
			by_plan: JSON.parse('{"__proto__":{"mrr":10,"subscriptions":1},"constructor":{"mrr":10,"subscriptions":1}}'),
		});
	});
});

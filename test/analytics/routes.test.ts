import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../src/events/envelope";
import { queueMessage } from "../support/builders";
import { asMessages, deliver } from "../support/queue";

// Each test owns its own month, so rows other tests write never fall in its window.
const ROUTES = ["signups", "mrr", "usage", "funnel", "payments"] as const;

function get(path: string, token: string | null = env.ADMIN_TOKEN): Promise<Response> {
	const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
	return exports.default.fetch(new Request(`https://localhost/api/analytics/${path}`, { headers }));
}

async function getJson<T = Record<string, unknown>>(path: string): Promise<T> {
	const res = await get(path);
	expect(res.status, await res.clone().text()).toBe(200);
	return (await res.json()) as T;
}

let sequence = 0;
function event(type: string, timestamp: string, user_id: string | undefined, metadata: Record<string, unknown>): EventEnvelope {
	return { event_id: `an_${type}_${++sequence}_${crypto.randomUUID()}`, event_type: type, timestamp, user_id, metadata };
}

// Through the real queue consumer and handlers, as production writes them.
async function ingest(...events: EventEnvelope[]): Promise<void> {
	const result = await deliver("webhook-events", asMessages(events.map((e) => queueMessage(e))));
	expect(result.explicitAcks).toHaveLength(events.length);
}

describe("analytics auth and parameters", () => {
	it.each(ROUTES)("/api/analytics/%s answers 401 without or with a wrong token", async (route) => {
		const missing = await get(route, null);
		expect(missing.status).toBe(401);
		expect(await missing.json()).toMatchObject({ error: "missing_token" });
		const wrong = await get(route, "not-the-token");
		expect(wrong.status).toBe(401);
		expect(await wrong.json()).toMatchObject({ error: "invalid_token" });
	});

	it.each([
		["signups?interval=month", "interval"],
		["mrr?from=yesterday", "from"],
		["usage?from=2030-01-01T00:00:00", "from"],
		["funnel?to=2030-13-01", "to"],
		["signups?from=2030-02-01&to=2030-01-01", "from"],
		["mrr?from=2029-01-01&to=2030-01-01&interval=hour", "interval"],
		["usage?top=0", "top"],
		["usage?top=many", "top"],
		["funnel?days=400", "days"],
	])("GET /api/analytics/%s → 400 naming %s", async (path, field) => {
		const res = await get(path);
		expect(res.status).toBe(400);
		const body = (await res.json()) as { error: string; fields: { field: string; message: string }[] };
		expect(body.error).toBe("validation_failed");
		expect(body.fields.map((f) => f.field)).toEqual([field]);
	});

	it("are described in /openapi.json from the same schemas", async () => {
		const doc = (await (await exports.default.fetch(new Request("https://localhost/openapi.json"))).json()) as {
			paths: Record<string, { get?: { parameters?: { name: string }[]; responses: Record<string, unknown> } }>;
		};
		for (const route of ROUTES) {
			const get = doc.paths[`/api/analytics/${route}`]?.get;
			expect(
				get?.parameters?.map((p) => p.name),
				route,
			).toEqual(expect.arrayContaining(["from", "to", "interval"]));
			expect(Object.keys(get?.responses ?? {}), route).toEqual(expect.arrayContaining(["200", "400", "401"]));
		}
		expect(doc.paths["/api/analytics/usage"]?.get?.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(["feature", "top"]));
		expect(doc.paths["/api/analytics/funnel"]?.get?.parameters?.map((p) => p.name)).toContain("days");
	});

	it("defaults to the last 30 days by day", async () => {
		const body = await getJson<{ from: string; to: string; interval: string; series: unknown[] }>("signups");
		expect(body.interval).toBe("day");
		expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * 86_400_000);
		expect(body.series.length).toBeGreaterThanOrEqual(30);
	});
});

describe("GET /api/analytics/signups", () => {
	it("counts each user once per bucket, by source and plan, zero-filled", async () => {
		await ingest(
			event("user_signup", "2030-01-01T09:00:00Z", "su_a", { plan: "free", source: "google" }),
			event("user_signup", "2030-01-01T23:59:59Z", "su_b", { plan: "pro", source: "google" }),
			event("user_signup", "2030-01-03T00:00:00Z", "su_c", { plan: "free" }),
			// A repeated signup of su_a later on: still one user, at the first signup.
			event("user_signup", "2030-01-03T12:00:00Z", "su_a", { plan: "free", source: "google" }),
		);
		const body = await getJson<{ total: number; by_source: object; by_plan: object; series: object[] }>(
			"signups?from=2030-01-01T00:00:00Z&to=2030-01-04T00:00:00Z&interval=day",
		);
		expect(body).toMatchObject({ from: "2030-01-01T00:00:00.000Z", to: "2030-01-04T00:00:00.000Z", interval: "day", total: 3 });
		expect(body.by_source).toEqual({ google: 2, unknown: 1 });
		expect(body.by_plan).toEqual({ free: 2, pro: 1 });
		expect(body.series).toEqual([
			{ bucket: "2030-01-01T00:00:00.000Z", signups: 2, by_source: { google: 2 }, by_plan: { free: 1, pro: 1 } },
			{ bucket: "2030-01-02T00:00:00.000Z", signups: 0, by_source: {}, by_plan: {} },
			{ bucket: "2030-01-03T00:00:00.000Z", signups: 1, by_source: { unknown: 1 }, by_plan: { free: 1 } },
		]);
		const hourly = await getJson<{ series: { signups: number }[] }>(
			"signups?from=2030-01-01T09:00:00Z&to=2030-01-01T12:00:00Z&interval=hour",
		);
		expect(hourly.series.map((p) => p.signups)).toEqual([1, 0, 0]);
	});
});

describe("GET /api/analytics/mrr", () => {
	const sub = (
		timestamp: string,
		subscription_id: string,
		plan: string,
		amount: number,
		currency: string,
		interval: string,
		status = "active",
	) => event("subscription_created", timestamp, `mrr_${subscription_id}`, { subscription_id, plan, amount, currency, interval, status });

	it("replays subscription changes into MRR per bucket, by plan and currency, in any arrival order", async () => {
		const changes = [
			sub("2030-02-01T10:00:00Z", "s1", "pro", 30, "usd", "month"),
			sub("2030-02-02T10:00:00Z", "s2", "pro", 120, "EUR", "yearly"),
			sub("2030-02-03T10:00:00Z", "s1", "business", 50, "USD", "month"),
			sub("2030-02-04T10:00:00Z", "s1", "business", 50, "USD", "month", "canceled"),
			sub("2030-02-04T11:00:00Z", "s3", "pro", 300, "USD", "year"),
		];
		// Newest first: the history, not the arrival order, decides.
		await ingest(...changes.reverse());

		const body = await getJson<{ opening: object; current: object; series: { bucket: string; by_currency: object }[] }>(
			"mrr?from=2030-02-01&to=2030-02-05&interval=day",
		);
		expect(body.opening).toEqual({});
		expect(body.series.map((p) => p.by_currency)).toEqual([
			{ USD: { mrr: 30, subscriptions: 1, by_plan: { pro: { mrr: 30, subscriptions: 1 } } } },
			{
				EUR: { mrr: 10, subscriptions: 1, by_plan: { pro: { mrr: 10, subscriptions: 1 } } },
				USD: { mrr: 30, subscriptions: 1, by_plan: { pro: { mrr: 30, subscriptions: 1 } } },
			},
			{
				EUR: { mrr: 10, subscriptions: 1, by_plan: { pro: { mrr: 10, subscriptions: 1 } } },
				USD: { mrr: 50, subscriptions: 1, by_plan: { business: { mrr: 50, subscriptions: 1 } } },
			},
			{
				EUR: { mrr: 10, subscriptions: 1, by_plan: { pro: { mrr: 10, subscriptions: 1 } } },
				USD: { mrr: 25, subscriptions: 1, by_plan: { pro: { mrr: 25, subscriptions: 1 } } },
			},
		]);
		expect(body.current).toEqual(body.series.at(-1)!.by_currency);

		// A window that starts later opens with the state built before it.
		const later = await getJson<{ opening: Record<string, { mrr: number }>; series: unknown[] }>(
			"mrr?from=2030-02-03T12:00:00Z&to=2030-02-04T00:00:00Z&interval=hour",
		);
		expect(later.opening).toMatchObject({ EUR: { mrr: 10 }, USD: { mrr: 50 } });
		expect(later.series).toHaveLength(12);
	});
});

describe("GET /api/analytics/usage", () => {
	it("sums quantity per feature per bucket and ranks top users", async () => {
		await ingest(
			event("usage_tracked", "2030-03-01T10:05:00Z", "us_a", { feature: "api_calls", quantity: 100 }),
			event("usage_tracked", "2030-03-01T10:50:00Z", "us_b", { feature: "api_calls", quantity: 40 }),
			event("usage_tracked", "2030-03-01T11:10:00Z", "us_b", { feature: "exports", quantity: 2 }),
			event("usage_tracked", "2030-03-01T12:00:00Z", "us_c", { feature: "api_calls" }),
			event("usage_tracked", "2030-03-01T12:30:00Z", "us_b", { feature: "api_calls", quantity: 70 }),
		);
		const range = "from=2030-03-01T10:00:00Z&to=2030-03-01T13:00:00Z&interval=hour";
		const body = await getJson<Record<string, unknown>>(`usage?${range}&top=2`);
		expect(body.features).toEqual([
			{ feature: "api_calls", quantity: 211, events: 4 },
			{ feature: "exports", quantity: 2, events: 1 },
		]);
		expect(body.series).toEqual([
			{ bucket: "2030-03-01T10:00:00.000Z", quantity: 140, by_feature: { api_calls: 140 } },
			{ bucket: "2030-03-01T11:00:00.000Z", quantity: 2, by_feature: { exports: 2 } },
			{ bucket: "2030-03-01T12:00:00.000Z", quantity: 71, by_feature: { api_calls: 71 } },
		]);
		expect(body.top_users).toEqual([
			{ user_id: "us_b", quantity: 112, events: 3 },
			{ user_id: "us_a", quantity: 100, events: 1 },
		]);

		// Unaligned edges: whole hours from the hourly rollup, the partial ones from the raw rows.
		const edges = await getJson<{ features: unknown[]; series: unknown[] }>("usage?from=2030-03-01T10:30:00Z&to=2030-03-01T12:40:00Z");
		expect(edges.features).toEqual([
			{ feature: "api_calls", quantity: 111, events: 3 },
			{ feature: "exports", quantity: 2, events: 1 },
		]);
		expect(edges.series).toEqual([{ bucket: "2030-03-01T00:00:00.000Z", quantity: 113, by_feature: { api_calls: 111, exports: 2 } }]);

		const exports_ = await getJson<{ feature: string; features: unknown[]; top_users: unknown[] }>(`usage?${range}&feature=exports`);
		expect(exports_.feature).toBe("exports");
		expect(exports_.features).toEqual([{ feature: "exports", quantity: 2, events: 1 }]);
		expect(exports_.top_users).toEqual([{ user_id: "us_b", quantity: 2, events: 1 }]);
	});
});

describe("GET /api/analytics/funnel", () => {
	it("counts signups that subscribe within N days, per signup cohort", async () => {
		const signup = (user: string, timestamp: string) => event("user_signup", timestamp, user, { plan: "free" });
		const subscribe = (user: string, timestamp: string) =>
			event("subscription_created", timestamp, user, { plan: "pro", amount: 10, currency: "USD", interval: "month" });
		await ingest(
			signup("fu_a", "2030-04-01T10:00:00Z"),
			signup("fu_b", "2030-04-01T11:00:00Z"),
			signup("fu_c", "2030-04-02T10:00:00Z"),
			signup("fu_d", "2030-04-02T12:00:00Z"),
			subscribe("fu_a", "2030-04-02T10:00:00Z"), // after 1 day
			subscribe("fu_c", "2030-04-12T10:00:00Z"), // after 10 days
			subscribe("fu_d", "2030-03-30T10:00:00Z"), // before signing up: not a conversion
		);
		const range = "from=2030-04-01&to=2030-04-03&interval=day";
		const week = await getJson<Record<string, unknown>>(`funnel?${range}&days=7`);
		expect(week).toMatchObject({
			days: 7,
			steps: [
				{ step: "signed_up", users: 4 },
				{ step: "subscribed_within_7d", users: 1 },
			],
			conversion_rate: 0.25,
		});
		expect(week.series).toEqual([
			{ bucket: "2030-04-01T00:00:00.000Z", signed_up: 2, subscribed: 1, conversion_rate: 0.5, complete: false },
			{ bucket: "2030-04-02T00:00:00.000Z", signed_up: 2, subscribed: 0, conversion_rate: 0, complete: false },
		]);
		const fortnight = await getJson<{ conversion_rate: number }>(`funnel?${range}&days=14`);
		expect(fortnight.conversion_rate).toBe(0.5);
	});
});

describe("GET /api/analytics/payments", () => {
	it("counts failed payments and sums their amounts per bucket, by currency", async () => {
		const failed = (timestamp: string, amount: number, currency: string) =>
			event("payment_failed", timestamp, "pay_user", { amount, currency });
		await ingest(
			failed("2030-05-01T10:00:00Z", 49, "usd"),
			failed("2030-05-01T12:00:00Z", 10.5, "USD"),
			failed("2030-05-02T09:00:00Z", 20, "EUR"),
			failed("2030-05-04T09:00:00Z", 99, "USD"), // outside the window
		);
		const body = await getJson<Record<string, unknown>>("payments?from=2030-05-01&to=2030-05-03&interval=day");
		expect(body).toMatchObject({
			failures: 3,
			by_currency: { EUR: { failures: 1, amount: 20 }, USD: { failures: 2, amount: 59.5 } },
			series: [
				{ bucket: "2030-05-01T00:00:00.000Z", failures: 2, by_currency: { USD: { failures: 2, amount: 59.5 } } },
				{ bucket: "2030-05-02T00:00:00.000Z", failures: 1, by_currency: { EUR: { failures: 1, amount: 20 } } },
			],
		});
	});
});

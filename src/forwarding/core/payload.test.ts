import { describe, expect, it } from "vitest";
import { dashboardPayload, eventPayload, type ForwardedEvent, metricValue, NoCanonicalEventError, outboundBody } from "./payload";

const receivedAt = Date.parse("2026-11-27T10:00:01.250Z");

const message = (event: Partial<ForwardedEvent["event"]> & { event_type: string }, source = "stripe"): ForwardedEvent => ({
	event: { event_id: "evt_1", timestamp: "2026-11-27T11:00:00+01:00", ...event },
	source,
	received_at: receivedAt,
	raw: { body: "{}", content_type: "application/json" },
});

const signup = message({
	event_type: "user_signup",
	user_id: "user_42",
	metadata: { email: "ada@example.com", plan: "free", source: "google", age: 36, beta: true, nested: { a: "b" } },
});

describe("event payload", () => {
	it("is the envelope as sent plus the ingest source and the ISO arrival time", () => {
		const withExtra = message({ event_type: "user_signup", user_id: "u", provider_field: { x: 1 } });
		expect(eventPayload(withExtra)).toEqual({
			event_id: "evt_1",
			event_type: "user_signup",
			timestamp: "2026-11-27T11:00:00+01:00",
			user_id: "u",
			provider_field: { x: 1 },
			source: "stripe",
			received_at: "2026-11-27T10:00:01.250Z",
		});
	});

	it("lets the pipeline's source and received_at win over sender fields of the same name", () => {
		const clash = message({ event_type: "x", source: "spoofed", received_at: "yesterday" });
		expect(eventPayload(clash)).toMatchObject({ source: "stripe", received_at: "2026-11-27T10:00:01.250Z" });
	});

	it("serialises to the body that is signed and sent", () => {
		expect(outboundBody("event", signup).contentType).toBe("application/json");
		expect(JSON.parse(outboundBody("event", signup).body)).toEqual(eventPayload(signup));
	});
});

describe("dashboard payload", () => {
	it("has the dashboard shape: UTC timestamp, type as metric name, 1 for a signup", () => {
		expect(dashboardPayload(signup)).toEqual({
			event_timestamp: "2026-11-27T10:00:00.000Z",
			metric_name: "user_signup",
			metric_value: 1,
			dimensions: { user_id: "user_42", plan: "free", source: "google", ingest_source: "stripe" },
		});
		expect(JSON.parse(outboundBody("dashboard", signup).body)).toEqual(dashboardPayload(signup));
	});

	it("keeps only flat string fields as dimensions and leaves out personal data", () => {
		const { dimensions } = dashboardPayload(signup);
		expect(dimensions).not.toHaveProperty("email");
		expect(dimensions).not.toHaveProperty("age");
		expect(dimensions).not.toHaveProperty("beta");
		expect(dimensions).not.toHaveProperty("nested");
		expect(dashboardPayload(signup, { excludeDimensions: [] }).dimensions.email).toBe("ada@example.com");
	});

	it("uses the amount for subscriptions and payments, with its currency and plan as dimensions", () => {
		const sub = message({
			event_type: "subscription_created",
			user_id: "u1",
			metadata: { plan: "pro", amount: 49.5, currency: "EUR", interval: "month" },
		});
		expect(dashboardPayload(sub)).toMatchObject({
			metric_name: "subscription_created",
			metric_value: 49.5,
			dimensions: { user_id: "u1", plan: "pro", currency: "EUR", interval: "month", ingest_source: "stripe" },
		});
		expect(dashboardPayload(message({ event_type: "payment_succeeded", metadata: { amount: 12 } })).metric_value).toBe(12);
	});

	it("never invents money: a payment without a numeric amount is worth 0", () => {
		expect(metricValue("subscription_created", { amount: "49.5" })).toBe(0);
		expect(metricValue("payment_failed", undefined)).toBe(0);
		expect(metricValue("subscription_created", { amount: Number.NaN })).toBe(0);
	});

	it("uses the quantity for usage, 1 when it is missing", () => {
		expect(dashboardPayload(message({ event_type: "usage_tracked", metadata: { feature: "export", quantity: 7 } }))).toMatchObject({
			metric_value: 7,
			dimensions: { feature: "export" },
		});
		expect(metricValue("usage_tracked", { feature: "export" })).toBe(1);
	});

	it("counts any other event as 1, whatever its metadata holds", () => {
		expect(metricValue("user_signup", { amount: 100, quantity: 5 })).toBe(1);
		expect(metricValue("something_else", undefined)).toBe(1);
	});

	it("takes custom value rules", () => {
		expect(metricValue("order_placed", { total: 30 }, [{ event_type: "order_*", field: "total", missing: 0 }])).toBe(30);
	});

	it("falls back to the arrival time when the event time does not parse", () => {
		expect(dashboardPayload(message({ event_type: "x", timestamp: "not a date" })).event_timestamp).toBe("2026-11-27T10:00:01.250Z");
	});
});

describe("raw payload", () => {
	// A provider's body as received: its own key order, spacing, a trailing
	// newline and non-ASCII text, none of which JSON.stringify would keep.
	const body = '{ "type":"customer.created",\t"data":{"object":{"name":"Zoë"}} }\n';
	const stripe: ForwardedEvent = {
		event: { event_id: "stripe:evt_1", event_type: "user_signup", timestamp: "2026-11-27T10:00:00Z", provider_type: "customer.created" },
		source: "stripe",
		received_at: receivedAt,
		raw: { body, content_type: "application/json; charset=utf-8" },
	};

	it("sends the sender's bytes and content type unchanged", () => {
		expect(outboundBody("raw", stripe)).toEqual({ body, contentType: "application/json; charset=utf-8" });
	});

	it("sends a provider event with no mapping as raw, but refuses to invent a canonical body for it", () => {
		const unmapped: ForwardedEvent = { ...stripe, event: null };
		expect(outboundBody("raw", unmapped).body).toBe(body);
		expect(() => outboundBody("event", unmapped)).toThrow(NoCanonicalEventError);
		expect(() => outboundBody("dashboard", unmapped)).toThrow(NoCanonicalEventError);
	});

	it("gives a mapped provider event its canonical envelope with the provider's type", () => {
		expect(JSON.parse(outboundBody("event", stripe).body)).toEqual({
			event_id: "stripe:evt_1",
			event_type: "user_signup",
			timestamp: "2026-11-27T10:00:00Z",
			provider_type: "customer.created",
			source: "stripe",
			received_at: "2026-11-27T10:00:01.250Z",
		});
		expect(JSON.parse(outboundBody("dashboard", stripe).body)).toMatchObject({ metric_name: "user_signup", metric_value: 1 });
	});
});

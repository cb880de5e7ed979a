import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../../src/sources/crypto";
import { mapEvent } from "../../../src/sources/mapping";
import { getPreset, PRESET_KINDS, parseFormBody } from "../../../src/sources/presets";
import { planProviderRun, providerSends } from "./deliveries";

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const plan = planProviderRun("evtestrun0001", NOW);
const byType = (type: string) => plan.deliveries.find((d) => d.providerType === type)!;

describe("providers plan", () => {
	it("covers every preset with the events the scenario promises, and Slack's URL check", () => {
		expect(plan.deliveries.map((d) => `${d.source} ${d.providerType}`).slice(0, 9)).toEqual([
			"stripe customer.created",
			"stripe customer.subscription.created",
			"stripe invoice.payment_failed",
			"stripe customer.subscription.updated",
			"stripe customer.subscription.deleted",
			"github push",
			"shopify customers/create",
			"slack message",
			"standard contact.created",
		]);
		expect(new Set(plan.deliveries.map((d) => d.kind))).toEqual(new Set(PRESET_KINDS));
		expect(plan.controls.map((c) => c.label)).toEqual(["slack url_verification", "discord PING"]);
	});

	it("names each delivery as the Worker's preset identifies it, stored under <source>:<provider id>", () => {
		for (const d of plan.deliveries) {
			const parsed = d.kind === "twilio" ? parseFormBody(utf8(d.body)) : JSON.parse(d.body);
			const identity = getPreset(d.kind).identify({ headers: d.headers, body: utf8(d.body) }, parsed);
			expect(identity, d.label).toMatchObject({ kind: "event", type: d.providerType });
			// The provider's id, or where it sends none the body's sha256.
			const id = identity.kind === "event" ? identity.id : undefined;
			expect(id ?? createHash("sha256").update(d.body).digest("hex"), d.label).toBe(d.providerId);
			expect(d.storedId).toBe(`${d.source}:${d.providerId}`);
		}
		const control = plan.controls[0]!;
		expect(getPreset("slack").identify({ headers: {}, body: utf8(control.body) }, JSON.parse(control.body))).toEqual({
			kind: "control",
			reason: "slack_url_verification",
			status: 200,
			body: control.answer,
		});
	});

	it("expects mapped types processed under their canonical type and the rest unhandled under the provider's", () => {
		expect(Object.fromEntries(plan.deliveries.map((d) => [d.label, `${d.landing.status} ${d.landing.eventType}`]))).toMatchObject({
			"stripe customer.created": "processed user_signup",
			"stripe customer.subscription.created": "processed subscription_created",
			"stripe invoice.payment_failed": "processed payment_failed",
			"stripe customer.subscription.updated": "processed subscription_created",
			"stripe customer.subscription.deleted": "processed subscription_created",
			"github push": "unhandled push",
			"shopify customers/create": "processed user_signup",
			"slack message": "unhandled message",
			"standard contact.created": "unhandled contact.created",
			"clerk user.created": "processed user_signup",
			"workos user.created": "processed user_signup",
			"supabase auth.signup": "processed user_signup",
			"paddle subscription.created": "processed subscription_created",
			"chargebee subscription_created": "processed subscription_created",
			"paddle transaction.payment_failed": "processed payment_failed",
			"razorpay payment.failed": "processed payment_failed",
			"paystack invoice.payment_failed": "processed payment_failed",
			"chargebee payment_failed": "processed payment_failed",
			"twilio message.delivered": "unhandled message.delivered",
		});
	});

	it("sends payloads the default mappings turn into valid canonical events, amounts in major units", () => {
		const mapped = (type: string) => {
			const d = byType(type);
			const result = mapEvent(
				{ identity: { id: d.providerId, type, occurredAt: NOW }, payload: JSON.parse(d.body), receivedAtMs: NOW },
				getPreset(d.kind).mappings,
			);
			expect(result.kind, `${type}: ${JSON.stringify(result)}`).toBe("mapped");
			return result.kind === "mapped" ? result.event : undefined;
		};
		const customer = mapped("customer.created")!;
		expect(mapped("customer.subscription.created")).toMatchObject({
			user_id: customer.user_id,
			metadata: { plan: "pro_monthly", amount: 49, currency: "USD", interval: "month", status: "active" },
		});
		expect(mapped("customer.subscription.updated")?.metadata).toMatchObject({ status: "past_due" });
		expect(mapped("customer.subscription.deleted")?.metadata).toMatchObject({ status: "canceled" });
		expect(mapped("invoice.payment_failed")).toMatchObject({ user_id: customer.user_id, metadata: { amount: 49, currency: "USD" } });
		// The 64-bit Shopify id survives: the user id is read from the exact string.
		const shopifyBody = byType("customers/create").body;
		const rawId = /^\{"id":(\d+),/.exec(shopifyBody)?.[1];
		expect(rawId).toHaveLength(18);
		expect(mapped("customers/create")?.user_id).toBe(`gid://shopify/Customer/${rawId}`);
	});

	it("tells the Stripe lifecycle in order, in the past, ending with the cancellation", () => {
		const created = plan.deliveries.filter((d) => d.kind === "stripe").map((d) => JSON.parse(d.body).created * 1000);
		expect(created.every((t) => t < NOW)).toBe(true);
		expect(created).toEqual([...created].sort((a, b) => a - b));
		expect(Math.max(...created)).toBe(JSON.parse(byType("customer.subscription.deleted").body).created * 1000);
	});

	it("uses fresh ids per run and the same ids for the same run", () => {
		const other = planProviderRun("evtestrun0002", NOW);
		const ids = (p: typeof plan) => [...p.deliveries.map((d) => d.storedId), JSON.stringify(p.controls)];
		expect(ids(planProviderRun("evtestrun0001", NOW))).toEqual(ids(plan));
		expect(ids(other).filter((id) => ids(plan).includes(id))).toEqual([]);
		const customer = (p: typeof plan) => JSON.parse(p.deliveries[0]!.body).data.object.id;
		expect(customer(other)).not.toBe(customer(plan));
	});

	it("tampers with the failed invoice's amount only", () => {
		const { of, body } = plan.tampered;
		expect(of.providerType).toBe("invoice.payment_failed");
		expect(body).not.toBe(of.body);
		expect(JSON.parse(body).data.object.amount_due).toBe(1);
		expect({ ...JSON.parse(body), data: {} }).toEqual({ ...JSON.parse(of.body), data: {} });
	});
});

describe("providers sends", () => {
	const sends = providerSends(plan);

	it("checks the URL first, then every delivery, its retry as a duplicate, and the tampered copy last", () => {
		expect(sends.map((s) => `${s.expect.status} ${s.label}`)).toEqual([
			"200 slack url_verification",
			"200 discord PING",
			...plan.deliveries.map((d) => `202 ${d.label}`),
			...plan.deliveries.map((d) => `200 ${d.label} (retry)`),
			"401 stripe invoice.payment_failed (tampered)",
		]);
		expect(sends[0]).toMatchObject({ expect: { body: plan.controls[0]!.answer, exact: true } });
		expect(sends[0]!.storedId).toBeUndefined();
		for (const d of plan.deliveries) {
			const [first, retry] = sends.filter((s) => s.storedId === d.storedId);
			expect(first!.expect.body).toEqual({ status: "accepted", event_id: d.storedId });
			expect(retry!.expect.body).toEqual({ status: "duplicate", event_id: d.storedId });
			expect(retry!.body).toBe(first!.body);
		}
		expect(sends.at(-1)).toMatchObject({
			sentBody: plan.tampered.body,
			body: plan.tampered.of.body,
			expect: { body: { error: "signature_mismatch" } },
		});
	});

	it("marks Slack's retry the way Slack does", () => {
		expect(sends.find((s) => s.label === "slack message (retry)")?.headers).toMatchObject({
			"x-slack-retry-num": "1",
			"x-slack-retry-reason": "http_timeout",
		});
	});
});

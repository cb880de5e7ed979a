import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { replayArchive } from "../../src/admin/archive-replay";
import { configuredSources } from "../../src/sources/config";
import {
	clerkUserCreated,
	paddleSubscriptionCreated,
	paddleTransactionPaymentFailed,
	workosUserCreated,
} from "../../src/sources/fixtures/billing";
import { stripeInvoicePaymentFailed, stripeSubscriptionCreated } from "../../src/sources/fixtures/stripe";
import { adminJson } from "../admin/helpers";
import { archivedEvent } from "../support/archive";
import { deliveryRequest, type ProviderKind, sampleBody, signDelivery } from "../support/providers";
import { asMessages, deliver, fetchRecording, recordingQueue } from "../support/queue";

// A delivery through the route, then exactly what it enqueued through the
// real consumer: the whole pipeline, provider signature to D1.
async function throughPipeline(kind: ProviderKind, body: string, headers: Record<string, string> = {}, sources?: object[]) {
	const overrides = sources ? { SOURCES: sources } : {};
	const { response, sent } = await fetchRecording(deliveryRequest(kind, await signDelivery(kind, body, { headers })), overrides);
	expect(response.status, await response.clone().text()).toBe(202);
	const result = await deliver("webhook-events", asMessages(sent), overrides);
	expect(result.explicitAcks).toHaveLength(sent.length);
	return (await response.json()) as { event_id: string };
}

const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);

describe("provider events through the pipeline", () => {
	it("a Stripe subscription sent to /webhook/stripe shows in MRR in major units", async () => {
		const event = structuredClone(stripeSubscriptionCreated);
		event.id = `evt_${crypto.randomUUID().slice(0, 12)}`;
		event.created = at("2031-03-10T12:00:00Z");
		await throughPipeline("stripe", JSON.stringify(event));
		const mrr = await adminJson<{ current: Record<string, { mrr: number; by_plan: Record<string, { mrr: number }> }> }>(
			"/api/analytics/mrr?from=2031-03-01&to=2031-04-01&interval=week",
		);
		expect(mrr.current.USD?.mrr).toBe(49);
		expect(mrr.current.USD?.by_plan.pro_monthly?.mrr).toBe(49);
	});

	it("a Stripe invoice.payment_failed shows in the payments analytics", async () => {
		const event = structuredClone(stripeInvoicePaymentFailed);
		event.id = `evt_${crypto.randomUUID().slice(0, 12)}`;
		event.created = at("2031-05-02T08:00:00Z");
		const { event_id } = await throughPipeline("stripe", JSON.stringify(event));
		const payments = await adminJson<Record<string, unknown>>("/api/analytics/payments?from=2031-05-01&to=2031-05-04&interval=day");
		expect(payments).toMatchObject({ failures: 1, by_currency: { USD: { failures: 1, amount: 49 } } });
		const stored = await env.DB.prepare("SELECT event_type, provider_type, status, source FROM events WHERE event_id = ?")
			.bind(event_id)
			.first();
		expect(stored).toEqual({
			event_type: "payment_failed",
			provider_type: "invoice.payment_failed",
			status: "processed",
			source: "stripe",
		});
	});

	it("archives the provider's body byte for byte, with its provider id, type and useful headers", async () => {
		const body = `{ "id": "evt_bytes_${crypto.randomUUID().slice(0, 8)}", "type": "customer.created",  "created": ${at("2031-06-01T00:00:00Z")}, "data": {"object": {"id": "cus_b", "email": "b@example.com"}} }`;
		const { event_id } = await throughPipeline("stripe", body);
		// D1 holds where it lives; the archive line holds the bytes and headers.
		const { row, event } = await archivedEvent(event_id);
		expect(row).toMatchObject({ payload: "", headers: null, archive_line: expect.any(Number) });
		expect(event?.payload).toBe(body);
		expect(event_id).toBe(`stripe:${row?.provider_event_id}`);
		expect(event?.headers).not.toHaveProperty("stripe-signature");
		const detail = await adminJson<{ event: { payload: unknown } }>(`/api/events/${encodeURIComponent(event_id)}`);
		expect(detail.event.payload).toEqual(JSON.parse(body));
	});

	it("archives a GitHub push as unhandled under its delivery id, and replay maps it once a mapping exists", async () => {
		const delivery = crypto.randomUUID();
		const body = sampleBody("github", { sender: { login: "hubot" } });
		const { event_id } = await throughPipeline("github", body, { "x-github-delivery": delivery });
		expect(event_id).toBe(`github:${delivery}`);
		const before = await adminJson<{ event: { status: string; event_type: string } }>(`/api/events/${encodeURIComponent(event_id)}`);
		expect(before.event).toMatchObject({ status: "unhandled", event_type: "push" });

		// The operator adds a mapping for push to the github source, then replays.
		const sources = configuredSources(env.SOURCES).map((s) =>
			s.name === "github"
				? {
						...s,
						mapping: {
							push: { type: "usage_tracked" as const, fields: { user_id: "sender.login", "metadata.feature": { const: "git_push" } } },
						},
					}
				: s,
		);
		const now = Date.now();
		const result = await replayArchive(
			env.DB,
			env.PAYLOADS,
			{ from: now - 3_600_000, to: now + 3_600_000, source: "github" },
			null,
			sources,
		);
		expect(result.failed).toEqual([]);
		expect(result.newly_processed).toBe(1);
		const after = await env.DB.prepare(
			"SELECT e.status, e.event_type, u.feature, u.user_id FROM events e JOIN usage_records u USING (event_id) WHERE event_id = ?",
		)
			.bind(event_id)
			.first();
		expect(after).toEqual({ status: "processed", event_type: "usage_tracked", feature: "git_push", user_id: "hubot" });
	});

	it("dead-letters a delivery whose mapping path is missing, naming the path", async () => {
		const event = structuredClone(stripeInvoicePaymentFailed) as { id: string; data: { object: Record<string, unknown> } };
		event.id = `evt_${crypto.randomUUID().slice(0, 12)}`;
		delete event.data.object.amount_due;
		const { response, sent } = await fetchRecording(deliveryRequest("stripe", await signDelivery("stripe", JSON.stringify(event))));
		expect(response.status).toBe(202);
		// Permanent: acked and sent straight to the dead-letter queue, with the reason.
		const dlq = recordingQueue(env.DEAD_LETTER_QUEUE);
		const result = await deliver("webhook-events", asMessages(sent), { DEAD_LETTER_QUEUE: dlq.queue });
		expect(result.explicitAcks).toHaveLength(1);
		expect(dlq.sent).toHaveLength(1);
		await deliver("webhook-events-dlq", asMessages(dlq.sent));
		const letter = await env.DB.prepare("SELECT error, source, event_type, message FROM dead_letters WHERE event_id = ?")
			.bind(`stripe:${event.id}`)
			.first<{ error: string; source: string; event_type: string; message: string }>();
		expect(letter?.error).toContain("data.object.amount_due");
		expect(letter).toMatchObject({ source: "stripe", event_type: "invoice.payment_failed" });
		expect(JSON.parse(letter?.message ?? "null")).toEqual(sent[0]);
		expect(await env.DB.prepare("SELECT 1 FROM events WHERE event_id = ?").bind(`stripe:${event.id}`).first()).toBeNull();
	});

	it("Clerk and WorkOS user.created count as signups, each under its provider", async () => {
		const clerk = structuredClone(clerkUserCreated);
		clerk.data.id = `user_${crypto.randomUUID().slice(0, 12)}`;
		clerk.timestamp = Date.parse("2032-02-02T10:00:00Z");
		await throughPipeline("clerk", JSON.stringify(clerk));
		const workos = structuredClone(workosUserCreated);
		workos.id = `event_${crypto.randomUUID().slice(0, 12)}`;
		workos.data.id = `user_${crypto.randomUUID().slice(0, 12)}`;
		workos.created_at = "2032-02-02T11:00:00.000Z";
		await throughPipeline("workos", JSON.stringify(workos));
		const signups = await adminJson<{ total: number; by_source: Record<string, number> }>(
			"/api/analytics/signups?from=2032-02-02T00:00:00Z&to=2032-02-03T00:00:00Z&interval=day",
		);
		expect(signups).toMatchObject({ total: 2, by_source: { clerk: 1, workos: 1 } });
	});

	it("a Paddle subscription.created of 4900 minor units monthly adds 49 to MRR", async () => {
		type Mrr = { current: Record<string, { mrr: number; by_plan: Record<string, { mrr: number }> }> };
		const url = "/api/analytics/mrr?from=2032-03-01&to=2032-04-01&interval=week";
		// Subscriptions other tests in this file created are still active then.
		const before = (await adminJson<Mrr>(url)).current.USD?.mrr ?? 0;
		const event = structuredClone(paddleSubscriptionCreated);
		event.event_id = `evt_${crypto.randomUUID().slice(0, 12)}`;
		event.data.id = `sub_${crypto.randomUUID().slice(0, 12)}`;
		event.occurred_at = "2032-03-10T12:00:00.000Z";
		await throughPipeline("paddle", JSON.stringify(event));
		const mrr = await adminJson<Mrr>(url);
		expect((mrr.current.USD?.mrr ?? 0) - before).toBe(49);
		expect(mrr.current.USD?.by_plan["Pro monthly"]?.mrr).toBe(49);
	});

	it("a Paddle transaction.payment_failed appears in the payments analytics in major units", async () => {
		const event = structuredClone(paddleTransactionPaymentFailed);
		event.event_id = `evt_${crypto.randomUUID().slice(0, 12)}`;
		event.occurred_at = "2032-05-02T08:00:00.000Z";
		const { event_id } = await throughPipeline("paddle", JSON.stringify(event));
		const payments = await adminJson<Record<string, unknown>>("/api/analytics/payments?from=2032-05-01&to=2032-05-04&interval=day");
		expect(payments).toMatchObject({ failures: 1, by_currency: { USD: { failures: 1, amount: 49 } } });
		const stored = await env.DB.prepare("SELECT event_type, provider_type, status, source FROM events WHERE event_id = ?")
			.bind(event_id)
			.first();
		expect(stored).toEqual({
			event_type: "payment_failed",
			provider_type: "transaction.payment_failed",
			status: "processed",
			source: "paddle",
		});
	});

	it("a Twilio form-encoded status callback is archived byte for byte and replayable", async () => {
		const body = `MessageSid=SM${crypto.randomUUID().slice(0, 8)}&MessageStatus=undelivered&ErrorCode=30003&To=%2B15558675310&Body=caf%C3%A9+%26+cr%C3%A8me`;
		const { event_id } = await throughPipeline("twilio", body);
		const row = await env.DB.prepare("SELECT provider_type, status FROM events WHERE event_id = ?")
			.bind(event_id)
			.first<{ provider_type: string; status: string }>();
		expect(row).toMatchObject({ provider_type: "message.undelivered", status: "unhandled" });
		// Archived in R2 byte for byte, with the content type that says it is a form.
		const { event } = await archivedEvent(event_id);
		expect(event?.payload).toBe(body);
		expect(event?.headers).toMatchObject({ "content-type": "application/x-www-form-urlencoded" });
	});
});

// Direct events and provider events share one key space in the idempotency
// store and the archive: a provider event is keyed "<source>:<provider id>".
// A direct event_id of that shape is refused, for every source name a
// provider could be served under, so it can never take a provider's key.
import { describe, expect, it } from "vitest";
import { postSigned, validEvent } from "../support/builders";
import { deliveryRequest, sampleBody, signDelivery } from "../support/providers";
import { fetchRecording } from "../support/queue";

describe("direct event ids never collide with provider keys", () => {
	it("refuses event_id 'stripe:evt_X' with 400 naming event_id, and the real Stripe evt_X is then accepted", async () => {
		const evt = `evt_${crypto.randomUUID().replaceAll("-", "")}`;
		const squat = await postSigned(validEvent("user_signup", { event_id: `stripe:${evt}` }), { path: "/webhook/events?source=stripe" });
		expect(squat.status).toBe(400);
		const body = (await squat.json()) as { error: string; message: string; fields: { field: string; message: string }[] };
		expect(body).toMatchObject({ error: "validation_failed", fields: [{ field: "event_id" }] });
		expect(body.message).toContain("event_id");

		const real = await fetchRecording(deliveryRequest("stripe", await signDelivery("stripe", sampleBody("stripe", { id: evt }))));
		expect(real.response.status).toBe(202);
		expect(await real.response.json()).toMatchObject({ event_id: `stripe:${evt}` });
	});

	it("refuses the prefix of a source not configured (yet), of any preset kind, and of any lower-case name", async () => {
		for (const event_id of ["acme-eu:1", "lemonsqueezy:ord_1", "github:abc", "a:b", "x.y_z-1:"]) {
			const res = await postSigned(validEvent("user_signup", { event_id }));
			expect(res.status, event_id).toBe(400);
		}
	});

	it("accepts ids that cannot be a provider key: no colon, an upper-case or empty prefix, or a colon after other characters", async () => {
		for (const event_id of [
			`evt_${crypto.randomUUID()}`,
			`Stripe:${crypto.randomUUID()}`,
			`:${crypto.randomUUID()}`,
			`urn/x:${crypto.randomUUID()}`,
		]) {
			const res = await postSigned(validEvent("user_signup", { event_id }));
			expect(res.status, event_id).toBe(202);
		}
	});

	it("rejects such an event inside a batch on its own, naming event_id, and accepts the rest", async () => {
		const good = validEvent("user_signup");
		const res = await postSigned({ events: [good, validEvent("user_signup", { event_id: "shopify:123" })] }, { path: "/webhook/batch" });
		expect(res.status).toBe(400);
		expect(await res.json()).toMatchObject({
			accepted: 1,
			rejected: 1,
			results: [
				{ index: 0, status: "accepted" },
				{ index: 1, status: "rejected", error: "validation_failed", fields: [{ field: "event_id" }] },
			],
		});
	});
});

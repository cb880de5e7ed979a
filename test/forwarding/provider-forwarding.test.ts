import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliveryBody, storedEvents } from "../../src/forwarding/send";
import { configuredSources } from "../../src/sources/config";
import { createDestination, customerCreated, deliveryRows, receiveStripe as receive, stripeSource, uniqueSource } from "./helpers";

// Provider events forwarded: a Stripe delivery goes through the real source
// route and the real consumer, under a source name of the test's own (a
// second "Stripe account"), so only this test's destinations match it.

async function bodyFor(format: "event" | "dashboard" | "raw", eventId: string, sources: object[]) {
	const row = (await storedEvents(env.DB, env.PAYLOADS, [eventId])).get(eventId);
	expect(row).toBeDefined();
	return deliveryBody(format, row!, () => configuredSources(sources));
}

describe("forwarding provider events", () => {
	it("fans a Stripe customer.created out to event, dashboard and raw destinations", async () => {
		const source = uniqueSource();
		const sources = [stripeSource(source)];
		const destinations = await Promise.all(
			(["event", "dashboard", "raw"] as const).map((format) =>
				createDestination({ event_types: ["user_signup"], sources: [source], format }),
			),
		);
		const body = customerCreated();
		const eventId = await receive(source, body, sources);

		const rows = await deliveryRows("source = ?", source);
		expect(rows.map((r) => r.destination_id).sort()).toEqual(destinations.map((d) => d.id).sort());
		expect(rows.every((r) => r.event_type === "user_signup" && r.event_id === eventId)).toBe(true);

		const event = await bodyFor("event", eventId, sources);
		expect(event.contentType).toBe("application/json");
		const providerId = JSON.parse(body).id as string;
		expect(JSON.parse(event.body)).toEqual({
			event_id: `${source}:${providerId}`,
			event_type: "user_signup",
			timestamp: "2026-01-01T00:00:00.000Z",
			user_id: `cus_${providerId.slice(4)}`,
			metadata: { email: "zoe@example.com", source: "stripe" },
			provider_type: "customer.created",
			source,
			received_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
		});
		expect(JSON.parse((await bodyFor("dashboard", eventId, sources)).body)).toEqual({
			event_timestamp: "2026-01-01T00:00:00.000Z",
			metric_name: "user_signup",
			metric_value: 1,
			dimensions: { user_id: `cus_${providerId.slice(4)}`, source: "stripe", ingest_source: source },
		});
		// Byte for byte: spacing, non-ASCII text and the trailing newline kept.
		const raw = await bodyFor("raw", eventId, sources);
		expect(raw.body).toBe(body);
		expect(raw.contentType).toBe("application/json");
	});

	it("matches filters on the provider's own type as well as the canonical one", async () => {
		const source = uniqueSource();
		const sources = [stripeSource(source)];
		const byProviderType = await createDestination({ event_types: ["customer.*"], sources: [source] });
		const byCanonical = await createDestination({ event_types: ["user_*"], sources: [source] });
		const neither = await createDestination({ event_types: ["customer", "invoice.*"], sources: [source] });
		await receive(source, customerCreated(), sources);
		const ids = (await deliveryRows("source = ?", source)).map((r) => r.destination_id);
		expect(ids.sort()).toEqual([byProviderType.id, byCanonical.id].sort());
		expect(ids).not.toContain(neither.id);
	});

	it("sends a provider type with no mapping only to raw destinations", async () => {
		const source = uniqueSource();
		const sources = [stripeSource(source)];
		const raw = await createDestination({ event_types: ["*"], sources: [source], format: "raw" });
		await createDestination({ event_types: ["*"], sources: [source], format: "event" });
		const body = customerCreated("invoice.paid");
		const eventId = await receive(source, body, sources);
		const rows = await deliveryRows("source = ?", source);
		expect(rows.map((r) => r.destination_id)).toEqual([raw.id]);
		expect(rows[0]).toMatchObject({ event_type: "invoice.paid" });
		expect((await bodyFor("raw", eventId, sources)).body).toBe(body);
	});
});

// Every named preset end to end through the route, signed as its provider
// signs (test/support/providers.ts): reachable at /webhook/<preset> with no
// SOURCES entry, accepted once, refused when tampered, answered duplicate
// when redelivered, and archived under its own source, byte for byte.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { PRESET_KINDS } from "../../src/sources/presets";
import { deliveryRequest, type ProviderKind, sampleBody, signDelivery, tampered } from "../support/providers";
import { asMessages, deliver, fetchRecording } from "../support/queue";

// No SOURCES at all: every preset is served from its defaults.
const NO_SOURCES = { SOURCES: undefined as unknown as object[] };

async function sendSigned(kind: ProviderKind, body = sampleBody(kind)) {
	const delivery = await signDelivery(kind, body);
	const { response, sent } = await fetchRecording(deliveryRequest(kind, delivery), NO_SOURCES);
	return { response, json: (await response.json()) as Record<string, unknown>, sent, delivery };
}

describe.each(PRESET_KINDS)("POST /webhook/%s, with no SOURCES entry", (kind) => {
	it("accepts a delivery signed as the provider signs it (202), once, and archives it under its source byte for byte", async () => {
		const { response, json, sent, delivery } = await sendSigned(kind);
		expect(response.status, JSON.stringify(json)).toBe(202);
		expect(json.event_id).toMatch(new RegExp(`^${kind}:.+`));
		expect(sent).toHaveLength(1);
		const result = await deliver("webhook-events", asMessages(sent), NO_SOURCES);
		expect(result.explicitAcks).toHaveLength(1);
		const row = await env.DB.prepare("SELECT source, payload, status FROM events WHERE event_id = ?")
			.bind(json.event_id)
			.first<{ source: string; payload: string; status: string }>();
		expect(row).toMatchObject({ source: kind, payload: delivery.body });
	});

	it("refuses a tampered delivery with 401 and enqueues nothing", async () => {
		const delivery = await signDelivery(kind, sampleBody(kind));
		const { response, sent } = await fetchRecording(deliveryRequest(kind, tampered(kind, delivery)), NO_SOURCES);
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: "signature_mismatch" });
		expect(sent).toEqual([]);
	});

	it("answers the provider's redelivery 200 duplicate and enqueues nothing", async () => {
		const first = await sendSigned(kind);
		expect(first.response.status).toBe(202);
		const again = await fetchRecording(deliveryRequest(kind, first.delivery), NO_SOURCES);
		expect(again.response.status).toBe(200);
		expect(await again.response.json()).toMatchObject({ status: "duplicate", event_id: first.json.event_id });
		expect(again.sent).toEqual([]);
	});

	it("answers 503 with Retry-After until its secret is set", async () => {
		const delivery = await signDelivery(kind, sampleBody(kind));
		const { PRESET_INFO } = await import("../../src/sources/presets");
		const unset = await fetchRecording(deliveryRequest(kind, delivery), { ...NO_SOURCES, [PRESET_INFO[kind].secretVar]: "" });
		expect(unset.response.status).toBe(503);
		expect(unset.response.headers.get("retry-after")).not.toBeNull();
	});
});

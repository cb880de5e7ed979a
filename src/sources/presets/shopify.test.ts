// Shopify publishes no signing library for JS nor a fixed worked example, so
// vectors are made on the test side with node:crypto's createHmac following
// Shopify's documented recipe (base64 HMAC-SHA256 of the raw body keyed with
// the client secret). Our code only verifies.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto";
import { shopifyCustomerCreated, shopifyCustomerCreatedBody, shopifyCustomerCreatedHeaders } from "../fixtures/shopify";
import { mapEvent } from "../mapping";
import type { DeliveryRequest, Identity } from "../types";
import { SecretFormatError } from "./shared";
import { shopify } from "./shopify";

const SECRET = "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";
const PREVIOUS = "shpss_previous_0a1b2c3d4e5f";
const opts = { toleranceSeconds: 300, nowSeconds: 1_767_225_600 };
const payload = shopifyCustomerCreatedBody;

function hmacBase64(body: string | Uint8Array, secret = SECRET): string {
	return createHmac("sha256", secret).update(body).digest("base64");
}

function delivery(
	body: string | Uint8Array,
	signature?: string,
	headers: Record<string, string> = shopifyCustomerCreatedHeaders,
): DeliveryRequest {
	return {
		headers: signature === undefined ? { ...headers } : { ...headers, "x-shopify-hmac-sha256": signature },
		body: typeof body === "string" ? utf8(body) : body,
	};
}

describe("shopify preset: verify", () => {
	it("accepts a delivery signed per Shopify's recipe", async () => {
		const sig = hmacBase64(payload);
		expect(sig).toMatch(/^[A-Za-z0-9+/]{43}=$/);
		expect(await shopify.verify(delivery(payload, sig), [SECRET], opts)).toEqual({ ok: true });
	});

	it("verifies raw bytes, not a re-encoded string (a body that is not valid UTF-8)", async () => {
		const bytes = new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0xff, 0xfe, 0x7d]);
		expect(await shopify.verify(delivery(bytes, hmacBase64(bytes)), [SECRET], opts)).toEqual({ ok: true });
	});

	it("rejects a tampered body as signature_mismatch", async () => {
		const sig = hmacBase64(payload);
		expect(await shopify.verify(delivery(payload.replace("bob@biller.com", "eve@biller.com"), sig), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("rejects a signature made with another secret as signature_mismatch", async () => {
		expect(await shopify.verify(delivery(payload, hmacBase64(payload, "shpss_other")), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("accepts a delivery signed with the previous secret during rotation", async () => {
		const sig = hmacBase64(payload, PREVIOUS);
		expect(await shopify.verify(delivery(payload, sig), [SECRET, PREVIOUS], opts)).toEqual({ ok: true });
		expect(await shopify.verify(delivery(payload, sig), [SECRET], opts)).toMatchObject({ ok: false });
	});

	it("rejects a missing X-Shopify-Hmac-Sha256 as signature_missing", async () => {
		expect(await shopify.verify(delivery(payload), [SECRET], opts)).toEqual({ ok: false, reason: "signature_missing" });
		expect(await shopify.verify(delivery(payload, "  "), [SECRET], opts)).toEqual({ ok: false, reason: "signature_missing" });
	});

	it("rejects hex instead of base64, or a truncated digest, as signature_mismatch", async () => {
		const hex = createHmac("sha256", SECRET).update(payload).digest("hex");
		for (const value of [hex, hmacBase64(payload).slice(0, 40), "not base64!"]) {
			expect(await shopify.verify(delivery(payload, value), [SECRET], opts), value).toEqual({
				ok: false,
				reason: "signature_mismatch",
			});
		}
	});

	it("throws SecretFormatError when no secret is configured", async () => {
		await expect(shopify.verify(delivery(payload, hmacBase64(payload)), [], opts)).rejects.toBeInstanceOf(SecretFormatError);
	});
});

describe("shopify preset: identify", () => {
	it("uses X-Shopify-Event-Id, X-Shopify-Topic and X-Shopify-Triggered-At, keeping the shop headers", () => {
		expect(shopify.identify(delivery(payload, hmacBase64(payload)), shopifyCustomerCreated)).toEqual({
			kind: "event",
			id: "98880550-7158-44d4-b7cd-2c97c8a091b5",
			type: "customers/create",
			occurredAt: Date.UTC(2026, 0, 1, 0, 0, 5, 123),
			headers: {
				"x-shopify-topic": "customers/create",
				"x-shopify-shop-domain": "example.myshopify.com",
				"x-shopify-api-version": "2025-10",
				"x-shopify-webhook-id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
				"x-shopify-event-id": "98880550-7158-44d4-b7cd-2c97c8a091b5",
				"x-shopify-triggered-at": "2026-01-01T00:00:05.123Z",
			},
			idField: "X-Shopify-Event-Id",
			typeField: "X-Shopify-Topic",
		});
	});

	it("falls back to X-Shopify-Webhook-Id when X-Shopify-Event-Id is absent", () => {
		const { "x-shopify-event-id": _e, ...headers } = shopifyCustomerCreatedHeaders;
		expect(shopify.identify(delivery(payload, undefined, headers), shopifyCustomerCreated)).toMatchObject({
			kind: "event",
			id: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
		});
	});

	it("leaves occurredAt out when X-Shopify-Triggered-At is not an ISO date-time", () => {
		const headers = { ...shopifyCustomerCreatedHeaders, "x-shopify-triggered-at": "yesterday" };
		expect(shopify.identify(delivery(payload, undefined, headers), shopifyCustomerCreated)).not.toHaveProperty("occurredAt");
	});

	it("names the header when no id header or no topic is present", () => {
		const { "x-shopify-event-id": _e, "x-shopify-webhook-id": _w, ...noIds } = shopifyCustomerCreatedHeaders;
		expect(shopify.identify(delivery(payload, undefined, noIds), {})).toEqual({
			kind: "invalid",
			location: "header",
			field: "X-Shopify-Event-Id",
			message: "missing header X-Shopify-Event-Id",
		});
		const { "x-shopify-topic": _t, ...noTopic } = shopifyCustomerCreatedHeaders;
		expect(shopify.identify(delivery(payload, undefined, noTopic), {})).toMatchObject({ field: "X-Shopify-Topic" });
	});
});

describe("shopify preset: default mappings", () => {
	const identity = shopify.identify(delivery(payload), JSON.parse(payload)) as Identity & { id: string };
	const receivedAtMs = Date.UTC(2026, 0, 1, 0, 0, 6);

	it("maps customers/create to user_signup with the exact GraphQL id, email and source", () => {
		expect(mapEvent({ identity, payload: JSON.parse(payload), receivedAtMs }, shopify.mappings)).toEqual({
			kind: "mapped",
			event: {
				event_id: "98880550-7158-44d4-b7cd-2c97c8a091b5",
				event_type: "user_signup",
				timestamp: "2026-01-01T00:00:05.123Z",
				user_id: "gid://shopify/Customer/706405506930370084",
				metadata: { email: "bob@biller.com", source: "shopify" },
			},
		});
	});

	it("refuses to stringify a numeric id that JSON.parse already rounded", () => {
		const { admin_graphql_api_id: _gid, ...rest } = shopifyCustomerCreated;
		const result = mapEvent({ identity, payload: JSON.parse(JSON.stringify(rest)), receivedAtMs }, shopify.mappings);
		expect(result).toMatchObject({ kind: "failed", code: "mapping_transform_failed", field: "user_id" });
	});

	it("maps a customer without email (null) and leaves email out", () => {
		const result = mapEvent({ identity, payload: { ...shopifyCustomerCreated, email: null }, receivedAtMs }, shopify.mappings);
		expect(result).toMatchObject({ kind: "mapped", event: { metadata: { source: "shopify" } } });
		expect(result.kind === "mapped" && "email" in result.event.metadata).toBe(false);
	});

	it("leaves other topics unhandled", () => {
		const orders = { ...identity, type: "orders/create" };
		expect(mapEvent({ identity: orders, payload: {}, receivedAtMs }, shopify.mappings)).toEqual({
			kind: "unhandled",
			providerType: "orders/create",
		});
	});
});

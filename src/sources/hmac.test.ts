// The configurable hmac kind, on the two worked examples of docs/sources.md.
// Signatures come from node:crypto, never from the engine under test.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseSources } from "./config";
import { utf8 } from "./crypto";
import { hmacConfigSchema, hmacPresetFor } from "./hmac";

const NOW = 1_767_225_600;

// Example 1: Stripe-like "timestamp.body", hex, prefixed, id in the body.
const acme = hmacConfigSchema.parse({
	algorithm: "sha256",
	encoding: "hex",
	signatureHeader: "X-Acme-Signature",
	signaturePrefix: "sha256=",
	signedContent: "{timestamp}.{body}",
	timestampHeader: "X-Acme-Timestamp",
	id: { path: "id" },
	type: { header: "X-Acme-Event" },
	occurredAt: { path: "created", unit: "seconds" },
});

// Example 2: Square-like URL + body, base64 SHA-1, no timestamp, id header.
const widget = hmacConfigSchema.parse({
	algorithm: "sha1",
	encoding: "base64",
	signatureHeader: "X-Widget-Signature",
	signedContent: "{url}{body}",
	id: { header: "X-Widget-Delivery" },
	type: { path: "event.name" },
});

const body = '{"id":"evt_42","created":1767225590,"event":{"name":"invoice.paid"},"total":4900}';
const url = "https://hooks.example.com/webhook/widget";

describe("hmac kind, example 1 (timestamp.body, hex)", () => {
	const preset = hmacPresetFor(acme);
	const sign = (ts: number, payload = body, secret = "acme-secret") => ({
		headers: {
			"x-acme-signature": `sha256=${createHmac("sha256", secret).update(`${ts}.${payload}`).digest("hex")}`,
			"x-acme-timestamp": String(ts),
			"x-acme-event": "invoice.paid",
		},
		body: utf8(payload),
	});
	const opts = { toleranceSeconds: 300, nowSeconds: NOW };

	it("verifies, refuses a tampered body or a missing prefix, and checks the timestamp after the signature", async () => {
		expect(await preset.verify(sign(NOW), ["acme-secret"], opts)).toEqual({ ok: true });
		expect(await preset.verify({ ...sign(NOW), body: utf8(`${body} `) }, ["acme-secret"], opts)).toMatchObject({
			reason: "signature_mismatch",
		});
		const bare = sign(NOW);
		bare.headers["x-acme-signature"] = bare.headers["x-acme-signature"].slice("sha256=".length);
		expect(await preset.verify(bare, ["acme-secret"], opts)).toMatchObject({ reason: "signature_missing" });
		expect(await preset.verify(sign(NOW - 301), ["acme-secret"], opts)).toMatchObject({ reason: "timestamp_out_of_tolerance" });
		expect(await preset.verify(sign(NOW - 301, body, "other"), ["acme-secret"], opts)).toMatchObject({ reason: "signature_mismatch" });
	});

	it("identifies from the body path and the header", () => {
		expect(preset.identify(sign(NOW), JSON.parse(body))).toEqual({
			kind: "event",
			id: "evt_42",
			type: "invoice.paid",
			occurredAt: 1_767_225_590_000,
			headers: {},
		});
		expect(preset.identify(sign(NOW), { created: 1 })).toMatchObject({ kind: "invalid", field: "id" });
		expect(preset.bodyDedupe).toBe(false);
	});
});

describe("hmac kind, example 2 (url + body, base64 SHA-1)", () => {
	const preset = hmacPresetFor(widget);
	const signed = (target = url) => ({
		headers: {
			"x-widget-signature": createHmac("sha1", "widget-secret").update(`${url}${body}`).digest("base64"),
			"x-widget-delivery": "d-1",
		},
		body: utf8(body),
		url: target,
		method: "POST",
	});

	it("signs the URL the Worker was reached at", async () => {
		const opts = { toleranceSeconds: 0, nowSeconds: NOW };
		expect(await preset.verify(signed(), ["widget-secret"], opts)).toEqual({ ok: true });
		expect(await preset.verify(signed(`${url}?x=1`), ["widget-secret"], opts)).toMatchObject({ reason: "signature_mismatch" });
		expect(preset.defaultToleranceSeconds).toBeNull();
		// The id is an unsigned header and nothing time-based is signed.
		expect(preset.bodyDedupe).toBe(true);
		expect(preset.identify(signed(), JSON.parse(body))).toMatchObject({ id: "d-1", type: "invoice.paid" });
	});

	it("is validated like every source", () => {
		expect(parseSources([{ name: "widget", kind: "hmac", secretVars: ["WIDGET_WEBHOOK_SECRET"], hmac: widget }])[0]?.hmac).toEqual(widget);
	});
});

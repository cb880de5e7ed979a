import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { verifySignature } from "../../src/shared/crypto";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";
import { isCleanRejection, outcomeOf, SIGNATURE_HEADER, signedHeaders } from "./http";

const SECRET = DEV_SECRETS.WEBHOOK_SECRET;
const bytes = (s: string) => new TextEncoder().encode(s);

describe("request signing", () => {
	it("signs the raw body as sha256=<hex HMAC-SHA256>, matching an independent HMAC", async () => {
		const body = '{"event_id":"evt_1","event_type":"user_signup"}';
		const headers = await signedHeaders(SECRET, body);
		const expected = createHmac("sha256", SECRET).update(body).digest("hex");
		expect(headers[SIGNATURE_HEADER]).toBe(`sha256=${expected}`);
		expect(headers["content-type"]).toBe("application/json");
	});

	it("produces signatures the Worker's verifier accepts, and only for those bytes", async () => {
		const body = JSON.stringify({ event_id: "evt_2", n: 1 });
		const { [SIGNATURE_HEADER]: signature } = await signedHeaders(SECRET, body);
		expect(await verifySignature(SECRET, bytes(body), signature)).toBe(true);
		// Same JSON, other formatting: different bytes, so the signature must fail.
		expect(await verifySignature(SECRET, bytes(JSON.stringify({ event_id: "evt_2", n: 1 }, null, 1)), signature)).toBe(false);
		expect(await verifySignature(SECRET, bytes(body.replace("1", "2")), signature)).toBe(false);
		expect(await verifySignature("another-secret", bytes(body), signature)).toBe(false);
	});

	it("signs non-ASCII bodies over their UTF-8 bytes", async () => {
		const body = JSON.stringify({ name: "Zoë — 東京" });
		const { [SIGNATURE_HEADER]: signature } = await signedHeaders(SECRET, body);
		expect(signature).toBe(`sha256=${createHmac("sha256", SECRET).update(Buffer.from(body, "utf8")).digest("hex")}`);
	});

	it("adds the source header only when asked", async () => {
		expect(await signedHeaders(SECRET, "{}", "loadgen")).toHaveProperty("x-webhook-source", "loadgen");
		expect(await signedHeaders(SECRET, "{}")).not.toHaveProperty("x-webhook-source");
	});
});

describe("response outcomes", () => {
	it("maps the ingest status codes to what they mean for a sender", () => {
		expect(outcomeOf({ status: 202, body: {} })).toBe("accepted");
		expect(outcomeOf({ status: 200, body: { status: "duplicate" } })).toBe("duplicate");
		expect(outcomeOf({ status: 409, body: { error: "in_flight" } })).toBe("in_flight");
		expect(outcomeOf({ status: 409, body: { error: "idempotency_conflict" } })).toBe("conflict");
		expect(outcomeOf({ status: 400, body: { error: "validation_failed" } })).toBe("rejected");
		expect(outcomeOf({ status: 503, body: {} })).toBe("unavailable");
		expect(outcomeOf({ status: 0, body: null })).toBe("no_response");
	});

	it("calls a rejection clean only for a 4xx with a JSON error and message", () => {
		expect(isCleanRejection({ status: 400, body: { error: "invalid_json", message: "x" } })).toBe(true);
		expect(isCleanRejection({ status: 400, body: "Bad Request" })).toBe(false);
		expect(isCleanRejection({ status: 500, body: { error: "internal", message: "x" } })).toBe(false);
		expect(isCleanRejection({ status: 202, body: { status: "accepted" } })).toBe(false);
	});
});

import { describe, expect, it } from "vitest";
import { parseSignatureHeader, signBody, verifySignature } from "./crypto";

const secret = "unit-test-secret";
const body = new TextEncoder().encode('{"event_id":"evt_1","event_type":"user_signup"}');

describe("webhook signatures", () => {
	it("accepts the hex HMAC-SHA256 of the raw body", async () => {
		const signature = await signBody(secret, body);
		expect(signature).toMatch(/^[0-9a-f]{64}$/);
		expect(await verifySignature(secret, body, signature)).toBe(true);
	});

	it("accepts the sha256= prefix and upper-case hex", async () => {
		const signature = await signBody(secret, body);
		expect(await verifySignature(secret, body, `sha256=${signature}`)).toBe(true);
		expect(await verifySignature(secret, body, signature.toUpperCase())).toBe(true);
	});

	it("rejects a signature made with another secret", async () => {
		const signature = await signBody("another-secret", body);
		expect(await verifySignature(secret, body, signature)).toBe(false);
	});

	it("rejects a tampered body, even by one byte", async () => {
		const signature = await signBody(secret, body);
		const tampered = body.slice();
		const at = tampered.length - 2;
		tampered[at] = (tampered[at] ?? 0) ^ 1;
		expect(await verifySignature(secret, tampered, signature)).toBe(false);
	});

	it("rejects a body re-serialised with different whitespace", async () => {
		const signature = await signBody(secret, body);
		const reserialised = new TextEncoder().encode(JSON.stringify(JSON.parse(new TextDecoder().decode(body)), null, 1));
		expect(await verifySignature(secret, reserialised, signature)).toBe(false);
	});

	it("rejects missing, truncated and non-hex headers", async () => {
		const signature = await signBody(secret, body);
		expect(await verifySignature(secret, body, null)).toBe(false);
		expect(await verifySignature(secret, body, "")).toBe(false);
		expect(await verifySignature(secret, body, signature.slice(0, 63))).toBe(false);
		expect(await verifySignature(secret, body, `${"z".repeat(64)}`)).toBe(false);
		expect(parseSignatureHeader(`sha1=${signature}`)).toBeNull();
	});
});

import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
	activeSecrets,
	generateSecret,
	rotateSecrets,
	type SigningSecret,
	secretKey,
	sign,
	signatureHeaders,
	webhookId,
} from "./standard-webhooks";

// Deterministic "random" bytes: 0, 1, 2, … (the tests check the encoding).
const counting = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
// Different bytes from `counting`, for a second secret.
const descending = (n: number) => Uint8Array.from({ length: n }, (_, i) => 255 - i);

const SECRET = generateSecret(counting);
const OTHER = generateSecret(descending);

// Webhook.verify checks the timestamp against the real clock (±5 min).
const nowSeconds = () => Math.floor(Date.now() / 1000);

const verifies = (secret: string, body: string, headers: Record<string, string>) => {
	try {
		new Webhook(secret).verify(body, headers, { jsonParse: false });
		return true;
	} catch {
		return false;
	}
};

describe("generateSecret", () => {
	it("encodes the random bytes it is given as whsec_ + base64", () => {
		expect(SECRET).toBe(`whsec_${btoa(String.fromCharCode(...counting(32)))}`);
		expect(secretKey(SECRET)).toEqual(counting(32));
	});

	it("refuses fewer than 24 or more than 64 bytes", () => {
		expect(() => generateSecret(counting, 16)).toThrow(RangeError);
		expect(() => generateSecret(counting, 65)).toThrow(RangeError);
		expect(generateSecret(counting, 24)).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
	});

	it("refuses a random source that returns the wrong number of bytes", () => {
		expect(() => generateSecret(() => new Uint8Array(8))).toThrow(RangeError);
	});
});

describe("secretKey", () => {
	it("rejects a secret without the prefix, with bad base64 or too short", () => {
		expect(() => secretKey(SECRET.slice("whsec_".length))).toThrow(TypeError);
		expect(() => secretKey("whsec_***")).toThrow(TypeError);
		expect(() => secretKey(`whsec_${btoa("short")}`)).toThrow(RangeError);
	});
});

describe("sign", () => {
	it("produces a signature the standardwebhooks library verifies", async () => {
		const body = JSON.stringify({ event_id: "evt_1", event_type: "user_signup" });
		const headers = await signatureHeaders({ id: "msg_1", timestamp: nowSeconds(), body }, [SECRET]);
		expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+={0,2}$/);
		expect(new Webhook(SECRET).verify(body, { ...headers })).toEqual({ event_id: "evt_1", event_type: "user_signup" });
	});

	it("fails verification when the body, id or timestamp is changed, or with another secret", async () => {
		const ts = nowSeconds();
		const body = '{"a":1}';
		const headers = { ...(await signatureHeaders({ id: "msg_1", timestamp: ts, body }, [SECRET])) };
		expect(verifies(SECRET, body, headers)).toBe(true);
		expect(verifies(SECRET, '{"a":2}', headers)).toBe(false);
		expect(verifies(SECRET, body, { ...headers, "webhook-id": "msg_2" })).toBe(false);
		expect(verifies(SECRET, body, { ...headers, "webhook-timestamp": String(ts - 1) })).toBe(false);
		expect(verifies(OTHER, body, headers)).toBe(false);
	});

	it("signs with every active secret, so both sides of a rotation verify", async () => {
		const body = "{}";
		const headers = { ...(await signatureHeaders({ id: "msg_1", timestamp: nowSeconds(), body }, [OTHER, SECRET])) };
		expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
		expect(verifies(SECRET, body, headers)).toBe(true);
		expect(verifies(OTHER, body, headers)).toBe(true);
	});

	it("verifies for any body, including non-ASCII text", async () => {
		await fc.assert(
			fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 200 }), fc.stringMatching(/^msg_[a-z0-9]{1,20}$/), async (body, id) => {
				const headers = { ...(await signatureHeaders({ id, timestamp: nowSeconds(), body }, [SECRET])) };
				expect(verifies(SECRET, body, headers)).toBe(true);
			}),
			{ numRuns: 50 },
		);
	});

	it("refuses no secrets and a timestamp that is not whole seconds", async () => {
		await expect(sign({ id: "m", timestamp: 1, body: "" }, [])).rejects.toThrow(RangeError);
		await expect(sign({ id: "m", timestamp: 1.5, body: "" }, [SECRET])).rejects.toThrow(RangeError);
	});
});

describe("webhookId", () => {
	it("is stable for one event and destination, and differs across either", async () => {
		const id = await webhookId("evt_1", "dst_1");
		expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
		expect(await webhookId("evt_1", "dst_1")).toBe(id);
		expect(await webhookId("evt_1", "dst_2")).not.toBe(id);
		expect(await webhookId("evt_2", "dst_1")).not.toBe(id);
	});

	it("does not confuse where one id ends and the other starts", async () => {
		expect(await webhookId("a:b", "c")).not.toBe(await webhookId("a", "b:c"));
		expect(await webhookId("ab", "c")).not.toBe(await webhookId("a", "bc"));
	});
});

describe("secret rotation", () => {
	const t0 = 1_000_000;
	const HOUR = 3_600_000;

	it("keeps the old secret signing until the overlap ends, newest first", () => {
		const before: SigningSecret[] = [{ secret: SECRET, created_at: t0, expires_at: null }];
		const after = rotateSecrets(before, OTHER, t0 + HOUR, 24 * HOUR);
		expect(activeSecrets(after, t0 + HOUR)).toEqual([OTHER, SECRET]);
		expect(activeSecrets(after, t0 + 25 * HOUR - 1)).toEqual([OTHER, SECRET]);
		expect(activeSecrets(after, t0 + 25 * HOUR)).toEqual([OTHER]);
	});

	it("drops expired secrets and never extends an earlier expiry", () => {
		const secrets: SigningSecret[] = [
			{ secret: SECRET, created_at: t0, expires_at: t0 + HOUR },
			{ secret: OTHER, created_at: t0 - HOUR, expires_at: t0 - 1 },
		];
		const fresh = generateSecret((n) => new Uint8Array(n).fill(7));
		const after = rotateSecrets(secrets, fresh, t0, 24 * HOUR);
		expect(after).toEqual([
			{ secret: fresh, created_at: t0, expires_at: null },
			{ secret: SECRET, created_at: t0, expires_at: t0 + HOUR },
		]);
	});

	it("with no overlap, only the new secret signs", () => {
		const after = rotateSecrets([{ secret: SECRET, created_at: t0, expires_at: null }], OTHER, t0 + 1, 0);
		expect(activeSecrets(after, t0 + 1)).toEqual([OTHER]);
	});

	it("refuses a malformed new secret", () => {
		expect(() => rotateSecrets([], "not-a-secret", t0, HOUR)).toThrow(TypeError);
	});
});

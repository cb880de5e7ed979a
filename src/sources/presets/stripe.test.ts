// Vectors come from Stripe's own library (stripe-node's worker build, run
// here inside workerd): generateTestHeaderStringAsync with the SubtleCrypto
// provider signs exactly as Stripe does. Our code only verifies.
import fc from "fast-check";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto";
import type { DeliveryRequest } from "../types";
import { SecretFormatError } from "./shared";
import { parseStripeSignature, stripe } from "./stripe";

const SECRET = "whsec_test_5a1f0c9e2b7d4a6f8e3c1b0d9a7f6e5d";
const PREVIOUS = "whsec_test_previous_0123456789abcdef";
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const opts = { toleranceSeconds: 300, nowSeconds: NOW };

const payload = JSON.stringify({
	id: "evt_1QxYz2AbCdEfGhIj",
	object: "event",
	api_version: "2026-10-28.endive",
	created: NOW - 5,
	data: { object: { id: "cus_Q1w2E3r4T5y6U7", object: "customer", email: "ada@example.com", name: "Ada Lovelace — café" } },
	livemode: false,
	type: "customer.created",
});

const cryptoProvider = Stripe.createSubtleCryptoProvider();

function signHeader(body: string, secret = SECRET, timestamp = NOW, scheme?: string): Promise<string> {
	return Stripe.webhooks.generateTestHeaderStringAsync({
		payload: body,
		secret,
		timestamp,
		cryptoProvider,
		...(scheme ? { scheme } : {}),
	});
}

function delivery(body: string | Uint8Array, signature?: string): DeliveryRequest {
	return {
		headers: signature === undefined ? {} : { "stripe-signature": signature, "content-type": "application/json" },
		body: typeof body === "string" ? utf8(body) : body,
	};
}

describe("stripe preset: verify", () => {
	it("accepts a delivery signed by Stripe's library", async () => {
		const sig = await signHeader(payload);
		expect(sig).toMatch(new RegExp(`^t=${NOW},v1=[0-9a-f]{64}$`));
		expect(await stripe.verify(delivery(payload, sig), [SECRET], opts)).toEqual({ ok: true });
	});

	it("verifies the raw UTF-8 bytes (non-ASCII payload)", async () => {
		const body = JSON.stringify({ id: "evt_1", type: "x", note: "naïve 😀 ünïcødé" });
		expect(await stripe.verify(delivery(body, await signHeader(body)), [SECRET], opts)).toEqual({ ok: true });
	});

	it("rejects a tampered body as signature_mismatch", async () => {
		const sig = await signHeader(payload);
		const tampered = utf8(payload);
		const at = tampered.indexOf(utf8("ada")[0] ?? 0);
		tampered[at] = (tampered[at] ?? 0) ^ 1;
		expect(await stripe.verify(delivery(tampered, sig), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("rejects a body re-serialised with other whitespace", async () => {
		const sig = await signHeader(payload);
		const reserialised = JSON.stringify(JSON.parse(payload), null, 2);
		expect(await stripe.verify(delivery(reserialised, sig), [SECRET], opts)).toMatchObject({
			reason: "signature_mismatch",
		});
	});

	it("rejects a signature made with another secret as signature_mismatch", async () => {
		const sig = await signHeader(payload, "whsec_someone_else");
		expect(await stripe.verify(delivery(payload, sig), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("accepts a delivery signed with the previous secret during rotation", async () => {
		const sig = await signHeader(payload, PREVIOUS);
		expect(await stripe.verify(delivery(payload, sig), [SECRET, PREVIOUS], opts)).toEqual({ ok: true });
		expect(await stripe.verify(delivery(payload, sig), [PREVIOUS, SECRET], opts)).toEqual({ ok: true });
		expect(await stripe.verify(delivery(payload, sig), [SECRET], opts)).toMatchObject({ ok: false });
	});

	it("accepts when any one of several v1 signatures matches (Stripe rolling its endpoint secret)", async () => {
		const other = parseStripeSignature(await signHeader(payload, "whsec_other")).v1[0];
		const mine = parseStripeSignature(await signHeader(payload)).v1[0];
		const header = `t=${NOW},v1=${other},v1=${mine}`;
		expect(await stripe.verify(delivery(payload, header), [SECRET], opts)).toEqual({ ok: true });
	});

	it("ignores other schemes: a header with only v0 is signature_missing", async () => {
		const v0Only = await signHeader(payload, SECRET, NOW, "v0");
		expect(v0Only).toMatch(/,v0=/);
		expect(await stripe.verify(delivery(payload, v0Only), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_missing",
		});
	});

	it("rejects a genuine signature older than the tolerance as timestamp_out_of_tolerance", async () => {
		const stale = await signHeader(payload, SECRET, NOW - 301);
		expect(await stripe.verify(delivery(payload, stale), [SECRET], opts)).toEqual({
			ok: false,
			reason: "timestamp_out_of_tolerance",
		});
		const edge = await signHeader(payload, SECRET, NOW - 300);
		expect(await stripe.verify(delivery(payload, edge), [SECRET], opts)).toEqual({ ok: true });
	});

	it("rejects a timestamp too far in the future too (|now − t| ≤ tolerance)", async () => {
		const future = await signHeader(payload, SECRET, NOW + 301);
		expect(await stripe.verify(delivery(payload, future), [SECRET], opts)).toMatchObject({
			reason: "timestamp_out_of_tolerance",
		});
	});

	it("honours a source's own tolerance", async () => {
		const old = await signHeader(payload, SECRET, NOW - 900);
		expect(await stripe.verify(delivery(payload, old), [SECRET], { toleranceSeconds: 1200, nowSeconds: NOW })).toEqual({ ok: true });
	});

	it("a forged signature on a stale timestamp is a mismatch, not merely stale", async () => {
		const forged = `t=${NOW - 10_000},v1=${"ab".repeat(32)}`;
		expect(await stripe.verify(delivery(payload, forged), [SECRET], opts)).toMatchObject({
			reason: "signature_mismatch",
		});
	});

	it("rejects a missing Stripe-Signature header, or one without t or v1, as signature_missing", async () => {
		expect(await stripe.verify(delivery(payload), [SECRET], opts)).toEqual({ ok: false, reason: "signature_missing" });
		const sig = await signHeader(payload);
		const v1 = parseStripeSignature(sig).v1[0];
		for (const header of ["", "   ", `v1=${v1}`, `t=${NOW}`, "garbage"]) {
			expect(await stripe.verify(delivery(payload, header), [SECRET], opts), header).toEqual({
				ok: false,
				reason: "signature_missing",
			});
		}
	});

	it("rejects a malformed timestamp or signature as signature_mismatch", async () => {
		const v1 = parseStripeSignature(await signHeader(payload)).v1[0];
		for (const header of [`t=1e9,v1=${v1}`, `t=-${NOW},v1=${v1}`, `t=${NOW},v1=zz${v1?.slice(2)}`, `t=${NOW},v1=${v1?.slice(0, 62)}`]) {
			expect(await stripe.verify(delivery(payload, header), [SECRET], opts), header).toEqual({
				ok: false,
				reason: "signature_mismatch",
			});
		}
	});

	it("throws SecretFormatError for no secret or an empty one (operator error, not a 401)", async () => {
		const sig = await signHeader(payload);
		await expect(stripe.verify(delivery(payload, sig), [], opts)).rejects.toBeInstanceOf(SecretFormatError);
		await expect(stripe.verify(delivery(payload, sig), [""], opts)).rejects.toBeInstanceOf(SecretFormatError);
	});

	it("agrees with Stripe's signer for arbitrary payloads and secrets, and refuses a one-byte change", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }),
				fc.string({ minLength: 8, maxLength: 40 }),
				fc.nat(),
				async (body, secret, flipAt) => {
					const sig = await signHeader(body, secret);
					expect(await stripe.verify(delivery(body, sig), [secret], opts)).toEqual({ ok: true });
					const bytes = utf8(body);
					const i = flipAt % bytes.length;
					bytes[i] = (bytes[i] ?? 0) ^ 0x01;
					expect(await stripe.verify(delivery(bytes, sig), [secret], opts)).toMatchObject({ ok: false });
				},
			),
			{ numRuns: 50 },
		);
	});
});

describe("stripe preset: lists of v1 signatures", () => {
	const forged = (n: number) => Array.from({ length: n }, (_, i) => `v1=${i.toString(16).padStart(64, "0")}`);

	it("accepts the genuine v1 among the first 8, as Stripe sends while a secret rolls", async () => {
		const [t, v1] = (await signHeader(payload)).split(",") as [string, string];
		const header = [t, ...forged(7), v1].join(",");
		expect(await stripe.verify(delivery(payload, header), [SECRET], opts)).toEqual({ ok: true });
	});

	it("does not look past 8 candidates: a genuine v1 behind 240 forged ones is refused", async () => {
		const [t, v1] = (await signHeader(payload)).split(",") as [string, string];
		const header = [t, ...forged(240), v1].join(",");
		expect(await stripe.verify(delivery(payload, header), [SECRET], opts)).toEqual({ ok: false, reason: "signature_mismatch" });
	});
});

describe("stripe preset: identify", () => {
	it("takes id, type and created (s → ms) from the event body", () => {
		expect(stripe.identify(delivery(payload), JSON.parse(payload))).toEqual({
			kind: "event",
			id: "evt_1QxYz2AbCdEfGhIj",
			type: "customer.created",
			occurredAt: (NOW - 5) * 1000,
			headers: {},
			idField: "id",
			typeField: "type",
		});
	});

	it("leaves occurredAt out when created is absent", () => {
		const result = stripe.identify(delivery("{}"), { id: "evt_1", type: "invoice.paid" });
		expect(result).toEqual({
			kind: "event",
			id: "evt_1",
			type: "invoice.paid",
			headers: {},
			idField: "id",
			typeField: "type",
		});
	});

	it("names the body field when id or type is missing", () => {
		expect(stripe.identify(delivery("{}"), { type: "invoice.paid" })).toMatchObject({
			kind: "invalid",
			location: "body",
			field: "id",
		});
		expect(stripe.identify(delivery("{}"), { id: "evt_1", type: 3 })).toMatchObject({ kind: "invalid", field: "type" });
		expect(stripe.identify(delivery("x"), undefined)).toMatchObject({ kind: "invalid", field: "id" });
	});
});

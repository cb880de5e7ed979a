// Vectors come from the Standard Webhooks reference library
// (`standardwebhooks`, new Webhook(secret).sign(msgId, date, payload)), run
// here inside workerd. Our code only verifies.
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { bytesToBase64, utf8 } from "../crypto";
import type { DeliveryRequest } from "../types";
import { SecretFormatError } from "./shared";
import { standard, standardSecretKey } from "./standard";

// whsec_ + base64 of 24 random-looking bytes, as the spec prescribes.
const SECRET = `whsec_${bytesToBase64(utf8("standard-webhooks-secret"))}`;
const PREVIOUS = `whsec_${bytesToBase64(utf8("the-previous-secret-key!"))}`;
const NOW = 1_767_225_600;
const opts = { toleranceSeconds: 300, nowSeconds: NOW };
const MSG_ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

const payload = JSON.stringify({
	type: "invoice.paid",
	timestamp: "2026-01-01T00:00:00.000Z",
	data: { invoice_id: "inv_123", amount: 4900, currency: "usd" },
});

function signed(body: string, secret = SECRET, at = NOW, id = MSG_ID): Record<string, string> {
	return {
		"webhook-id": id,
		"webhook-timestamp": String(at),
		"webhook-signature": new Webhook(secret).sign(id, new Date(at * 1000), body),
		"content-type": "application/json",
	};
}

function delivery(body: string | Uint8Array, headers: Record<string, string>): DeliveryRequest {
	return { headers, body: typeof body === "string" ? utf8(body) : body };
}

describe("standard preset: verify", () => {
	it("accepts a delivery signed by the standardwebhooks library", async () => {
		const headers = signed(payload);
		expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
		expect(await standard.verify(delivery(payload, headers), [SECRET], opts)).toEqual({ ok: true });
	});

	it("accepts the same scheme under Svix's svix-id / svix-timestamp / svix-signature names", async () => {
		const headers = signed(payload);
		const svix = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.replace(/^webhook-/, "svix-"), value]));
		expect(Object.keys(svix).some((name) => name.startsWith("webhook-"))).toBe(false);
		expect(await standard.verify(delivery(payload, svix), [SECRET], opts)).toEqual({ ok: true });
		expect(standard.identify(delivery(payload, svix), JSON.parse(payload))).toMatchObject({ kind: "event", id: MSG_ID });
		const tampered = { ...svix, "svix-id": "msg_other" };
		expect(await standard.verify(delivery(payload, tampered), [SECRET], opts)).toEqual({ ok: false, reason: "signature_mismatch" });
	});

	it("accepts a secret given without the whsec_ prefix, as the library does", async () => {
		const bare = SECRET.slice("whsec_".length);
		expect(await standard.verify(delivery(payload, signed(payload)), [bare], opts)).toEqual({ ok: true });
	});

	it("rejects a tampered body as signature_mismatch", async () => {
		const headers = signed(payload);
		expect(await standard.verify(delivery(payload.replace("4900", "9900"), headers), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("rejects a changed webhook-id as signature_mismatch (the id is signed)", async () => {
		const headers = { ...signed(payload), "webhook-id": "msg_other" };
		expect(await standard.verify(delivery(payload, headers), [SECRET], opts)).toMatchObject({
			reason: "signature_mismatch",
		});
	});

	it("rejects a signature made with another secret as signature_mismatch", async () => {
		const other = `whsec_${bytesToBase64(utf8("somebody-elses-secret-xx"))}`;
		expect(await standard.verify(delivery(payload, signed(payload, other)), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("accepts a delivery signed with the previous secret during rotation", async () => {
		const headers = signed(payload, PREVIOUS);
		expect(await standard.verify(delivery(payload, headers), [SECRET, PREVIOUS], opts)).toEqual({ ok: true });
		expect(await standard.verify(delivery(payload, headers), [SECRET], opts)).toMatchObject({ ok: false });
	});

	it("accepts when any entry of a space-separated signature list matches, ignoring other versions", async () => {
		const mine = signed(payload)["webhook-signature"];
		const theirs = signed(payload, PREVIOUS)["webhook-signature"];
		const headers = { ...signed(payload), "webhook-signature": `v1a,AAAA ${theirs} ${mine}` };
		expect(await standard.verify(delivery(payload, headers), [SECRET], opts)).toEqual({ ok: true });
	});

	it("rejects a genuine signature outside ±300 s as timestamp_out_of_tolerance", async () => {
		for (const at of [NOW - 301, NOW + 301]) {
			expect(await standard.verify(delivery(payload, signed(payload, SECRET, at)), [SECRET], opts), String(at)).toEqual({
				ok: false,
				reason: "timestamp_out_of_tolerance",
			});
		}
		expect(await standard.verify(delivery(payload, signed(payload, SECRET, NOW - 300)), [SECRET], opts)).toEqual({
			ok: true,
		});
	});

	it("rejects any missing webhook-* header as signature_missing", async () => {
		for (const name of ["webhook-id", "webhook-timestamp", "webhook-signature"]) {
			const { [name]: _gone, ...headers } = signed(payload);
			expect(await standard.verify(delivery(payload, headers), [SECRET], opts), name).toEqual({
				ok: false,
				reason: "signature_missing",
			});
		}
		const onlyAsymmetric = { ...signed(payload), "webhook-signature": "v1a,c2lnbmF0dXJl" };
		expect(await standard.verify(delivery(payload, onlyAsymmetric), [SECRET], opts)).toMatchObject({
			reason: "signature_missing",
		});
	});

	it("rejects a non-numeric webhook-timestamp as signature_mismatch", async () => {
		const headers = { ...signed(payload), "webhook-timestamp": "2026-01-01T00:00:00Z" };
		expect(await standard.verify(delivery(payload, headers), [SECRET], opts)).toMatchObject({
			reason: "signature_mismatch",
		});
	});

	it("throws SecretFormatError for a secret that is not base64", async () => {
		expect(() => standardSecretKey("whsec_not base64!")).toThrow(SecretFormatError);
		await expect(standard.verify(delivery(payload, signed(payload)), ["whsec_%%%"], opts)).rejects.toBeInstanceOf(SecretFormatError);
	});
});

describe("standard preset: lists of signatures", () => {
	const forged = (n: number) => Array.from({ length: n }, (_, i) => `v1,${btoa(String(i).padStart(32, "0"))}`);

	it("accepts the genuine signature among the first 8 of a space-separated list", async () => {
		const headers = signed(payload);
		const list = [...forged(7), headers["webhook-signature"]].join(" ");
		expect(await standard.verify(delivery(payload, { ...headers, "webhook-signature": list }), [SECRET], opts)).toEqual({ ok: true });
	});

	it("does not look past 8 candidates", async () => {
		const headers = signed(payload);
		const list = [...forged(8), headers["webhook-signature"]].join(" ");
		expect(await standard.verify(delivery(payload, { ...headers, "webhook-signature": list }), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});
});

describe("standard preset: identify", () => {
	it("uses webhook-id, body type, and the body's ISO timestamp as the occurrence time", () => {
		const headers = signed(payload, SECRET, NOW + 60);
		expect(standard.identify(delivery(payload, headers), JSON.parse(payload))).toEqual({
			kind: "event",
			id: MSG_ID,
			type: "invoice.paid",
			occurredAt: Date.UTC(2026, 0, 1),
			headers: { "webhook-id": MSG_ID, "webhook-timestamp": String(NOW + 60) },
			idField: "webhook-id",
			typeField: "type",
		});
	});

	it("falls back to webhook-timestamp (s → ms) when the body has no ISO timestamp", () => {
		const body = { type: "user.created", timestamp: 12345, data: {} };
		expect(standard.identify(delivery("{}", signed("{}")), body)).toMatchObject({ occurredAt: NOW * 1000 });
	});

	it("names webhook-id or the body's type when missing", () => {
		const { "webhook-id": _id, ...noId } = signed(payload);
		expect(standard.identify(delivery(payload, noId), JSON.parse(payload))).toMatchObject({
			kind: "invalid",
			location: "header",
			field: "webhook-id",
		});
		expect(standard.identify(delivery("{}", signed("{}")), { data: {} })).toMatchObject({
			kind: "invalid",
			location: "body",
			field: "type",
		});
	});
});

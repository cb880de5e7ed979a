// The byte helpers the presets parse signatures with. HMAC vectors come from
// node:crypto here (RFC 4231 test case 2 as the fixed anchor), never from
// the code under test.
import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	anyHmacMatches,
	base64ToBytes,
	bytesToBase64,
	bytesToHex,
	concatBytes,
	hexToBytes,
	hmacSha256MatchesAny,
	MAX_SIGNATURE_CANDIDATES,
	timingSafeEqual,
	utf8,
} from "./crypto";

describe("hexToBytes", () => {
	it("decodes even-length hex in either case", () => {
		expect(hexToBytes("00ffA0")).toEqual(new Uint8Array([0, 255, 160]));
		expect(hexToBytes("")).toEqual(new Uint8Array());
	});

	it("refuses odd lengths and non-hex characters rather than guessing", () => {
		for (const bad of ["abc", "zz", "0x12", "12 34", "１２"]) expect(hexToBytes(bad), bad).toBeNull();
	});
});

describe("base64ToBytes", () => {
	it("round-trips with bytesToBase64, padded or not", () => {
		const bytes = new Uint8Array([0, 1, 2, 250, 251, 252, 253]);
		const encoded = bytesToBase64(bytes);
		expect(base64ToBytes(encoded)).toEqual(bytes);
		expect(base64ToBytes(encoded.replace(/=+$/, ""))).toEqual(bytes);
	});

	it("refuses url-safe alphabet, inner spaces and impossible lengths", () => {
		for (const bad of ["ab-_", "ab cd", "a", "abcde", "ab=c"]) expect(base64ToBytes(bad), bad).toBeNull();
	});
});

describe("timingSafeEqual", () => {
	it("is true only for equal bytes of equal length", () => {
		expect(timingSafeEqual(utf8("abc"), utf8("abc"))).toBe(true);
		expect(timingSafeEqual(utf8("abc"), utf8("abd"))).toBe(false);
		expect(timingSafeEqual(utf8("abc"), utf8("abcd"))).toBe(false);
	});
});

describe("hmacSha256MatchesAny", () => {
	afterEach(() => {
		vi.restoreAllMocks();
	});

	it("matches RFC 4231 test case 2 (key 'Jefe')", async () => {
		const data = utf8("what do ya want for nothing?");
		const expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
		expect(await hmacSha256MatchesAny(["Jefe"], [expected], "hex", data)).toBe(true);
		expect(await hmacSha256MatchesAny(["Jefe"], [expected.toUpperCase()], "hex", data)).toBe(true);
		expect(await hmacSha256MatchesAny(["Jefe"], [expected.slice(0, 62)], "hex", data)).toBe(false);
	});

	it("accepts when any secret produces any candidate, and skips malformed or wrong-length candidates", async () => {
		const data = concatBytes(utf8("1700000000."), utf8('{"id":"evt_1"}'));
		const good = createHmac("sha256", "second").update(data).digest();
		const base64 = good.toString("base64");
		expect(await hmacSha256MatchesAny(["first", "second"], ["not base64!", base64.slice(0, 20), base64], "base64", data)).toBe(true);
		expect(await hmacSha256MatchesAny(["first"], [base64], "base64", data)).toBe(false);
		expect(await hmacSha256MatchesAny(["second"], [good.subarray(0, 31).toString("hex")], "hex", data)).toBe(false);
		expect(bytesToHex(new Uint8Array(good))).toBe(good.toString("hex"));
	});

	it("computes the HMAC once per secret, however many candidates are listed", async () => {
		const data = utf8("x".repeat(4096));
		const forged = Array.from({ length: 240 }, (_, i) => i.toString(16).padStart(64, "0"));
		const sign = vi.spyOn(crypto.subtle, "sign");
		const verify = vi.spyOn(crypto.subtle, "verify");
		expect(await hmacSha256MatchesAny(["first", "second"], forged, "hex", data)).toBe(false);
		expect(sign).toHaveBeenCalledTimes(2);
		expect(verify).not.toHaveBeenCalled();
	});

	it(`considers only the first ${MAX_SIGNATURE_CANDIDATES} candidates`, async () => {
		const data = utf8('{"id":"evt_1"}');
		const good = createHmac("sha256", "k").update(data).digest("hex");
		const forged = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(64, "0"));
		expect(await hmacSha256MatchesAny(["k"], [...forged(MAX_SIGNATURE_CANDIDATES - 1), good], "hex", data)).toBe(true);
		expect(await hmacSha256MatchesAny(["k"], [...forged(MAX_SIGNATURE_CANDIDATES), good], "hex", data)).toBe(false);
	});
});

describe("anyHmacMatches", () => {
	it.each([
		["SHA-1", "sha1"],
		["SHA-512", "sha512"],
	] as const)("checks %s signatures made by node:crypto", async (hash, nodeName) => {
		const data = utf8("https://example.com/hookAccountSidAC1");
		const good = new Uint8Array(createHmac(nodeName, "token").update(data).digest());
		expect(await anyHmacMatches(hash, ["token"], [good], data)).toBe(true);
		expect(await anyHmacMatches(hash, ["other"], [good], data)).toBe(false);
		expect(await anyHmacMatches(hash, ["token"], [good], utf8("https://example.com/hookAccountSidAC2"))).toBe(false);
	});

	it("looks at no more than 8 candidates, whatever the header carries", async () => {
		const data = utf8("body");
		const good = new Uint8Array(createHmac("sha256", "s").update(data).digest());
		const junk = Array.from({ length: 8 }, () => new Uint8Array(32));
		expect(await anyHmacMatches("SHA-256", ["s"], [...junk.slice(0, 7), good], data)).toBe(true);
		expect(await anyHmacMatches("SHA-256", ["s"], [...junk, good], data)).toBe(false);
	});
});

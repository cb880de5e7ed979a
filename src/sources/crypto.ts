// Small Web Crypto helpers for the provider presets. Everything works on raw
// bytes: a signature is always checked over the body exactly as received.
//
// Comparisons never short-circuit on the first differing byte: an HMAC is
// computed once per secret and compared with each candidate by
// timingSafeEqual (hmacSha256MatchesAny).

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
	return encoder.encode(text);
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
	let length = 0;
	for (const part of parts) length += part.length;
	const out = new Uint8Array(length);
	let at = 0;
	for (const part of parts) {
		out.set(part, at);
		at += part.length;
	}
	return out;
}

// Strict: an even number of hex digits and nothing else; null otherwise.
export function hexToBytes(hex: string): Uint8Array | null {
	if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
	const out = new Uint8Array(hex.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return out;
}

export function bytesToHex(bytes: Uint8Array | ArrayBuffer): string {
	return Array.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");
}

// Standard (padded or unpadded) base64; null for anything else.
export function base64ToBytes(text: string): Uint8Array | null {
	const trimmed = text.trim();
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(trimmed) || trimmed.length % 4 === 1) return null;
	try {
		const binary = atob(trimmed);
		const out = new Uint8Array(binary.length);
		for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
		return out;
	} catch {
		return null;
	}
}

export function bytesToBase64(bytes: Uint8Array | ArrayBuffer): string {
	const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	let binary = "";
	for (const b of view) binary += String.fromCharCode(b);
	return btoa(binary);
}

// Constant time for inputs of equal length; unequal lengths are simply unequal
// (a digest's length is public, so that leaks nothing).
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
	return diff === 0;
}

// Derived from the API rather than named, so this also type-checks where
// CryptoKey is not a global type.
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export type HmacHash = "SHA-1" | "SHA-256" | "SHA-512";

const DIGEST_BYTES: Readonly<Record<HmacHash, number>> = { "SHA-1": 20, "SHA-256": 32, "SHA-512": 64 };

// Importing a key costs more than the HMAC itself; secrets are few and long
// lived, so keep the imported keys (keyed by hash and secret, never logged).
const keyCache = new Map<string, Promise<HmacKey>>();
const KEY_CACHE_LIMIT = 64;

export function hmacKey(hash: HmacHash, secret: string | Uint8Array): Promise<HmacKey> {
	const cacheKey = `${hash}:${typeof secret === "string" ? `s:${secret}` : `b:${bytesToBase64(secret)}`}`;
	let key = keyCache.get(cacheKey);
	if (!key) {
		const raw = typeof secret === "string" ? utf8(secret) : secret;
		key = crypto.subtle.importKey("raw", raw, { name: "HMAC", hash }, false, ["sign", "verify"]);
		// A key that failed to import must not stay cached.
		key.catch(() => keyCache.delete(cacheKey));
		if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
		keyCache.set(cacheKey, key);
	}
	return key;
}

export async function hmac(hash: HmacHash, secret: string | Uint8Array, data: Uint8Array): Promise<Uint8Array> {
	return new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(hash, secret), data));
}

export async function hmacSha256(secret: string | Uint8Array, data: Uint8Array): Promise<Uint8Array> {
	return hmac("SHA-256", secret, data);
}

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
	return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
}

// A sender may list several signatures (Stripe's v1=… while a secret rolls,
// Standard Webhooks' space-separated list); no real sender needs more than a
// few, so only the first this many are looked at. Work per request stays
// bounded whatever the header holds.
export const MAX_SIGNATURE_CANDIDATES = 8;

// True when any of the first MAX_SIGNATURE_CANDIDATES candidate signatures is
// the HMAC of data under any of the secrets (rotation: old and new secret
// both valid for a while). The HMAC is computed once per secret, never once
// per candidate, and compared with every candidate in constant time, never
// stopping at the first match, so timing says nothing about which candidate
// or secret matched. Candidates of the wrong length cannot match.
export async function anyHmacMatches(
	hash: HmacHash,
	secrets: readonly (string | Uint8Array)[],
	candidates: readonly Uint8Array[],
	data: Uint8Array,
): Promise<boolean> {
	const wellFormed = candidates.slice(0, MAX_SIGNATURE_CANDIDATES).filter((c) => c.length === DIGEST_BYTES[hash]);
	if (wellFormed.length === 0) return false;
	let matched = false;
	for (const secret of secrets) {
		const expected = await hmac(hash, secret, data);
		for (const candidate of wellFormed) matched = timingSafeEqual(expected, candidate) || matched;
	}
	return matched;
}

export type SignatureEncoding = "hex" | "base64";

const DECODERS: Record<SignatureEncoding, (text: string) => Uint8Array | null> = { hex: hexToBytes, base64: base64ToBytes };

// anyHmacMatches for HMAC-SHA256 signatures as sent (hex or base64 text);
// one that does not decode cannot match.
export function hmacSha256MatchesAny(
	secrets: readonly (string | Uint8Array)[],
	signatures: readonly string[],
	encoding: SignatureEncoding,
	data: Uint8Array,
): Promise<boolean> {
	const decode = DECODERS[encoding];
	const candidates: Uint8Array[] = [];
	for (const signature of signatures.slice(0, MAX_SIGNATURE_CANDIDATES)) {
		const bytes = decode(signature);
		if (bytes !== null) candidates.push(bytes);
	}
	return anyHmacMatches("SHA-256", secrets, candidates, data);
}

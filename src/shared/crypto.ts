// HMAC-SHA256 webhook signatures over the raw body bytes, as received.
// Verification uses crypto.subtle.verify, which compares in constant time.

const encoder = new TextEncoder();
// Derived from the API rather than named, so this module also type-checks
// under Node's globals (the event generator signs with it too).
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keyCache = new Map<string, Promise<HmacKey>>();

function hmacKey(secret: string): Promise<HmacKey> {
	let key = keyCache.get(secret);
	if (!key) {
		key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
		keyCache.set(secret, key);
	}
	return key;
}

// Every digest on the ack path is hex-encoded: a table beats toString/padStart per byte.
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));

export function toHex(bytes: ArrayBuffer): string {
	let hex = "";
	for (const b of new Uint8Array(bytes)) hex += HEX[b];
	return hex;
}

// Parses "sha256=<hex>" or "<hex>"; null for anything that is not 32 bytes of hex.
export function parseSignatureHeader(header: string | null | undefined): Uint8Array | null {
	if (!header) return null;
	const hex = header.trim().replace(/^sha256=/i, "");
	if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
	const bytes = new Uint8Array(32);
	for (let i = 0; i < 32; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return bytes;
}

export async function signBody(secret: string, body: ArrayBuffer | Uint8Array | string): Promise<string> {
	const data = typeof body === "string" ? encoder.encode(body) : body;
	return toHex(await crypto.subtle.sign("HMAC", await hmacKey(secret), data));
}

export async function verifySignature(secret: string, body: ArrayBuffer | Uint8Array, header: string | null | undefined): Promise<boolean> {
	const signature = parseSignatureHeader(header);
	if (!signature) return false;
	return crypto.subtle.verify("HMAC", await hmacKey(secret), signature, body);
}

export async function sha256Hex(data: string | ArrayBuffer): Promise<string> {
	return toHex(await crypto.subtle.digest("SHA-256", typeof data === "string" ? encoder.encode(data) : data));
}

// Standard Webhooks signing (https://www.standardwebhooks.com/): the three
// webhook-* headers a receiver verifies with any Standard Webhooks library.
//
// Forwarded deliveries and alert webhooks are both signed this way, so it
// lives in shared/. It imports nothing itself: Web Crypto only.

export const SECRET_PREFIX = "whsec_";
// The spec asks for 24 to 64 random bytes; 32 matches the HMAC-SHA256 block.
export const SECRET_BYTES = 32;
export const MIN_SECRET_BYTES = 24;
export const MAX_SECRET_BYTES = 64;

// A source of cryptographically random bytes, e.g.
// (n) => crypto.getRandomValues(new Uint8Array(n)). Passed in so this stays pure.
export type RandomBytes = (n: number) => Uint8Array;

export interface SignInput {
	// webhook-id: stable across retries of the same message.
	id: string;
	// webhook-timestamp: Unix seconds of this attempt.
	timestamp: number;
	// The exact body bytes sent, as a string.
	body: string;
}

export interface SignatureHeaders {
	"webhook-id": string;
	"webhook-timestamp": string;
	"webhook-signature": string;
}

// A destination's secret with the moment it stops signing (null: current).
export interface SigningSecret {
	secret: string;
	created_at: number;
	expires_at: number | null;
}

const encoder = new TextEncoder();

function toBase64(bytes: Uint8Array): string {
	let binary = "";
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
	const binary = atob(text);
	return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

export function generateSecret(randomBytes: RandomBytes, bytes: number = SECRET_BYTES): string {
	if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
		throw new RangeError(`a secret has ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`);
	}
	const key = randomBytes(bytes);
	if (key.length !== bytes) throw new RangeError(`randomBytes(${bytes}) returned ${key.length} bytes`);
	return `${SECRET_PREFIX}${toBase64(key)}`;
}

// The HMAC key inside a whsec_ secret. Throws on anything else, so a corrupt
// stored secret fails loudly instead of signing with garbage.
export function secretKey(secret: string): Uint8Array {
	if (!secret.startsWith(SECRET_PREFIX)) throw new TypeError(`a signing secret starts with ${SECRET_PREFIX}`);
	let key: Uint8Array;
	try {
		key = fromBase64(secret.slice(SECRET_PREFIX.length));
	} catch {
		throw new TypeError("a signing secret is base64 after its prefix");
	}
	if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
		throw new RangeError(`a signing secret holds ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`);
	}
	return key;
}

async function hmac(key: Uint8Array, content: string): Promise<Uint8Array> {
	const cryptoKey = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
	return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, encoder.encode(content)));
}

// The webhook-signature value: one `v1,<base64>` per secret, space-separated.
// During a rotation both the new and the old secret sign, so a receiver that
// still holds the old one keeps verifying until the overlap ends.
export async function sign({ id, timestamp, body }: SignInput, secrets: readonly string[]): Promise<string> {
	if (!Number.isInteger(timestamp) || timestamp < 0) throw new RangeError("timestamp is whole Unix seconds");
	if (secrets.length === 0) throw new RangeError("signing needs at least one secret");
	const content = `${id}.${timestamp}.${body}`;
	const signatures = await Promise.all(secrets.map(async (s) => `v1,${toBase64(await hmac(secretKey(s), content))}`));
	return signatures.join(" ");
}

export async function signatureHeaders(input: SignInput, secrets: readonly string[]): Promise<SignatureHeaders> {
	return {
		"webhook-id": input.id,
		"webhook-timestamp": String(input.timestamp),
		"webhook-signature": await sign(input, secrets),
	};
}

// The webhook-id of one event sent to one destination: the same on every
// retry (so the receiver can deduplicate), different per destination.
export async function webhookId(eventId: string, destinationId: string): Promise<string> {
	// JSON keeps the pair unambiguous whatever characters either id holds.
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(JSON.stringify([eventId, destinationId]))));
	return `msg_${toHex(digest.subarray(0, 16))}`;
}

// The secrets that sign at `now`, newest first.
export function activeSecrets(secrets: readonly SigningSecret[], now: number): string[] {
	return secrets
		.filter((s) => s.expires_at === null || s.expires_at > now)
		.sort((a, b) => b.created_at - a.created_at)
		.map((s) => s.secret);
}

// Rotation with overlap: `fresh` becomes the current secret; every secret
// still signing keeps signing until now + overlapMs (or its own earlier
// expiry); expired ones are dropped.
export function rotateSecrets(secrets: readonly SigningSecret[], fresh: string, now: number, overlapMs: number): SigningSecret[] {
	if (!(overlapMs >= 0)) throw new RangeError("overlapMs must be >= 0");
	secretKey(fresh);
	const until = now + overlapMs;
	const kept = secrets
		.filter((s) => s.expires_at === null || s.expires_at > now)
		.map((s) => ({ ...s, expires_at: s.expires_at === null ? until : Math.min(s.expires_at, until) }))
		.filter((s) => s.expires_at > now);
	return [{ secret: fresh, created_at: now, expires_at: null }, ...kept];
}

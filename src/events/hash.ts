import { canonicalJson } from "../shared/canonical-json";
import { sha256Hex } from "../shared/crypto";
import { parseJsonText } from "../shared/json-guard";
import { type EventEnvelope, isDelivery, type QueueMessage } from "./envelope";

// Content hash of an event: same content → same hash, whatever its key order
// or whitespace. Ingest claims with it and the archive keeps it, so a later
// acceptance of the same id can be told apart from a true redelivery.
export function eventHash(event: EventEnvelope): Promise<string> {
	return sha256Hex(canonicalJson(event));
}

// The same hash for anything the queue carries: a direct envelope, or a
// provider delivery's JSON body; a form-urlencoded body (Twilio), which has
// no key order to normalise, is hashed as sent.
export function contentHash(message: QueueMessage): Promise<string> {
	if (!isDelivery(message)) return eventHash(message.event);
	const { body, headers } = message.delivery;
	if (/^application\/x-www-form-urlencoded/i.test(headers["content-type"] ?? "")) return sha256Hex(body);
	return sha256Hex(canonicalJson(parseJsonText(body)));
}

// What the events row keeps of a content hash: the first 128 bits in hex.
// Enough to tell a resend of other content from a redelivery (the sender is
// authenticated; this is not a signature), and half the bytes of every row.
// Rows stored before this keep all 64 characters, so stored hashes are
// compared on this prefix (storedHashSql in SQL).
export const STORED_HASH_CHARS = 32;

export const storedHash = (hex: string): string => hex.slice(0, STORED_HASH_CHARS);

export const storedHashSql = (column: string): string => `substr(${column}, 1, ${STORED_HASH_CHARS})`;

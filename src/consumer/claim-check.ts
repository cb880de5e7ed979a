import { PermanentError } from "../events/contract";
import { type StoredMessage, storedMessageSchema } from "../events/envelope";

export const isStoredPointer = (body: unknown): boolean => (body as { kind?: unknown } | null)?.kind === "stored";

// A queue body as the consumer processes it: a claim-checked message is read
// back whole from R2 (a failed read throws and the message is retried); one
// whose object is gone is dead-lettered, naming the key. Anything else is
// returned as it is.
export async function resolveClaimCheck(bucket: R2Bucket, body: unknown): Promise<unknown> {
	if (!isStoredPointer(body)) return body;
	const pointer = parseStoredPointer(body);
	const object = await bucket.get(pointer.ref);
	if (!object)
		throw new PermanentError(
			"payload_missing",
			`claim-checked event ${pointer.id}: ${pointer.ref} is not in the PAYLOADS bucket (expired or deleted)`,
		);
	try {
		return JSON.parse(await object.text());
	} catch {
		throw new PermanentError("payload_unreadable", `claim-checked event ${pointer.id}: ${pointer.ref} is not JSON`);
	}
}

export function parseStoredPointer(body: unknown): StoredMessage {
	const result = storedMessageSchema.safeParse(body);
	if (!result.success) throw new PermanentError("invalid_message", "queue message: malformed claim check");
	return result.data;
}

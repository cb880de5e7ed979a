// A verified provider delivery → the item ingest accepts: its stored key,
// the keys it is deduplicated under and the queue message. Pure but for
// hashing; refuses (400, naming the header or field) what could be accepted
// now but not stored, looked up or replayed later.
import { type DeliveryMessage, MAX_EVENT_ID_LENGTH, MAX_PROVIDER_TYPE_LENGTH, storedEventId } from "../events/envelope";
import { contentHash } from "../events/hash";
import { bodyClaimKey } from "../idempotency/claims";
import { sha256Hex } from "../shared/crypto";
import { ApiError } from "../shared/errors";
import type { Identity, Preset } from "../sources/types";
import type { AcceptItem } from "./accept";

export interface VerifiedDelivery {
	source: string;
	preset: Pick<Preset, "bodyDedupe">;
	identity: Identity;
	// The raw body and its text, exactly as received.
	raw: ArrayBuffer;
	text: string;
	receivedAt: number;
}

export async function deliveryItem(delivery: VerifiedDelivery): Promise<AcceptItem> {
	const { source, identity } = delivery;
	const bodySha = identity.id === undefined || delivery.preset.bodyDedupe ? await sha256Hex(delivery.raw) : undefined;
	// A provider that sends no event id: the body is the event's identity.
	const id = identity.id ?? (bodySha as string);
	checkIdentity(source, id, identity);
	const message: DeliveryMessage = {
		kind: "delivery",
		source,
		received_at: delivery.receivedAt,
		delivery: {
			id,
			type: identity.type,
			...(identity.occurredAt !== undefined ? { occurred_at: identity.occurredAt } : {}),
			headers: { ...identity.headers },
			body: delivery.text,
		},
	};
	return {
		key: storedEventId(message),
		bodyHash: await contentHash(message),
		message,
		...(delivery.preset.bodyDedupe && bodySha !== undefined ? { bodyKey: bodyClaimKey(source, bodySha) } : {}),
	};
}

// The stored key "<source>:<id>" must fit MAX_EVENT_ID_LENGTH (what the
// archive's lookups and the mapping engine take) and carry no whitespace;
// the type must fit the queue message's limit.
function checkIdentity(source: string, id: string, identity: Identity): void {
	const maxId = MAX_EVENT_ID_LENGTH - source.length - 1;
	if (id.length > maxId || /\s/.test(id)) {
		invalid(identity.idField ?? "id", `must be at most ${maxId} characters without whitespace for source ${source}`);
	}
	if (identity.type.length > MAX_PROVIDER_TYPE_LENGTH) {
		invalid(identity.typeField ?? "type", `must be at most ${MAX_PROVIDER_TYPE_LENGTH} characters`);
	}
}

function invalid(field: string, rule: string): never {
	const message = `${field} ${rule}`;
	throw new ApiError(400, { code: "invalid_delivery", message: message, details: { fields: [{ field, message }] } });
}

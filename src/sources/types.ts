// Plain-data types shared by the provider presets, the mapping engine and the
// source config. Nothing here touches bindings, env or the clock.

import type { MappingTable } from "./mapping-rules";

// One delivery as received: header names lower-cased, body as the raw bytes
// the sender signed (never a re-serialised parse).
export interface DeliveryRequest {
	readonly headers: Readonly<Record<string, string>>;
	readonly body: Uint8Array;
	// The URL the sender posted to, as received (with its query string), for
	// schemes that sign it (Square, Twilio, HubSpot), and the HTTP method.
	readonly url?: string;
	readonly method?: string;
}

export interface VerifyOptions {
	// Largest accepted |now − signed timestamp|, in seconds. Ignored by schemes
	// that sign no timestamp (github, shopify).
	readonly toleranceSeconds: number;
	// The caller's clock, unix seconds. Presets never read the clock themselves.
	readonly nowSeconds: number;
}

export type VerifyFailureReason = "signature_missing" | "signature_mismatch" | "timestamp_out_of_tolerance";

// Why a delivery was refused, and nothing more: never which byte or which
// secret differed.
//  - signature_missing: the signature header (or its timestamp) is absent, or
//    carries no signature of the scheme we check (e.g. only Stripe v0).
//  - signature_mismatch: present but no secret produces it, or malformed
//    (bad hex/base64, non-numeric timestamp).
//  - timestamp_out_of_tolerance: the signature is authentic but its signed
//    timestamp is too far from now (a replay, or a skewed clock). Signatures
//    are checked before timestamps, so this reason means "genuine but stale".
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: VerifyFailureReason };

// A normal event to archive, map and queue.
export interface Identity {
	readonly kind: "event";
	// The provider's id for the event (idempotency key). Left out when the
	// provider sends none: ingest then uses the sha256 (hex) of the raw body.
	readonly id?: string;
	// The provider's own event type (e.g. "invoice.payment_failed", "issues.opened").
	readonly type: string;
	// Where id and type were read, as IdentifyFailure.field names it
	// ("X-GitHub-Delivery", "event.type"), so a 400 about them (too long, say)
	// can name the header or field. Optional: ingest falls back to "id"/"type".
	readonly idField?: string;
	readonly typeField?: string;
	// When the event happened at the provider, ms since the epoch, when it says.
	readonly occurredAt?: number;
	// Headers worth storing beside the event. Never signatures.
	readonly headers: Readonly<Record<string, string>>;
}

// A synchronous answer the sender expects and that must NOT be queued
// (Slack's url_verification challenge, GitHub's ping). Only ever returned
// for a delivery that already passed verify().
export interface Control {
	readonly kind: "control";
	// What the control message is, for logs and metrics.
	readonly reason: string;
	// 204 for a handshake that wants no content (Discord's webhook-events PING).
	readonly status: 200 | 204;
	// JSON response body, or text (Twitch's challenge is answered as
	// text/plain).
	readonly body: Readonly<Record<string, unknown>> | string;
}

// The delivery is authentic but lacks what we need to identify it. The caller
// answers 400 with `message`, which names the header or body field.
export interface IdentifyFailure {
	readonly kind: "invalid";
	readonly location: "header" | "body";
	// Header name as providers document it (e.g. "X-GitHub-Delivery"), or a
	// dotted body path (e.g. "event.type").
	readonly field: string;
	readonly message: string;
}

export type Identification = Identity | Control | IdentifyFailure;

export interface Preset<K extends string = string> {
	readonly kind: K;
	// Default for VerifyOptions.toleranceSeconds; null when the scheme signs no
	// timestamp (then a source may not set toleranceSeconds either).
	readonly defaultToleranceSeconds: number | null;
	// True when the scheme signs neither the event id nor a timestamp (GitHub,
	// Shopify): a captured body can then be replayed, validly signed, under a
	// new id or event header. Ingest then also deduplicates on (source, sha256
	// of the raw body) within the idempotency window.
	readonly bodyDedupe: boolean;
	// Verifies the raw body against the signature headers with any of the
	// secrets (1 or 2, for rotation). Throws SecretFormatError only for a
	// misconfigured secret (empty, or not the format the scheme needs): that is
	// the operator's fault, not the sender's, so it must not read as a 401.
	verify(req: DeliveryRequest, secrets: readonly string[], opts: VerifyOptions): Promise<Verdict>;
	// Reads id/type/occurredAt from headers and the parsed body: JSON, or
	// for a form-urlencoded body its fields as an object (pass undefined when
	// it is neither). Call only after verify() passed.
	identify(req: DeliveryRequest, json: unknown): Identification;
	// A handshake whose answer needs the secret (Zoom's url_validation), asked
	// after verify() passed and before identify(); undefined for anything else.
	handshake?(req: DeliveryRequest, json: unknown, secrets: readonly string[]): Promise<Control | IdentifyFailure | undefined>;
	// Provider type → canonical event; types not listed are "unhandled".
	readonly mappings: MappingTable;
}

// The idempotency rules, as a pure function over one stored claim.
//
// pending   — a copy is being enqueued right now; its enqueue can still fail,
//             so a second copy must not be told "duplicate" yet (in_flight).
// committed — the event is safely on the queue; same body → duplicate,
//             different body under the same id → conflict.
// A row past expires_at counts as absent: the window has ended, or a pending
// claim's holder died without committing or releasing it.
export type ClaimState = "pending" | "committed";
export type ClaimOutcome = "new" | "duplicate" | "conflict" | "in_flight";

// What a shard answers for one event of an accept call: a new claim becomes
// "accepted" once its message is on the queue, or "queue_unavailable" (the
// claim released) if the send failed.
export type ShardOutcome = Exclude<ClaimOutcome, "new"> | "accepted" | "queue_unavailable";

export interface StoredClaim {
	body_hash: string;
	state: ClaimState;
	expires_at: number;
}

export interface ClaimRequest {
	eventId: string;
	bodyHash: string;
	// A second key the event is claimed under, in the same shard and the same
	// step: for schemes that sign neither id nor timestamp, the body's own
	// hash, so a captured body replayed under a new id is a duplicate too.
	bodyKey?: string;
}

// The body key of a delivery: "<source> sha256:<hex of the raw body>". The
// space keeps it apart from every event key: a direct event_id has no
// whitespace, and a provider key is "<source>:<id>" with a source name that
// has none either.
export function bodyClaimKey(source: string, bodySha256: string): string {
	return `${source} sha256:${bodySha256}`;
}
// Matches body keys in SQL (GLOB), so counts of claims can leave them out.
export const BODY_KEY_GLOB = "* sha256:*";

// The same test in code (an event key never holds a space).
export function isBodyKey(key: string): boolean {
	return key.includes(" sha256:");
}

// Every key a request claims: its id, then its body key if any.
export function claimKeys(request: ClaimRequest): string[] {
	return request.bodyKey === undefined ? [request.eventId] : [request.eventId, request.bodyKey];
}

// One answer from the answers of each of a request's keys: new only when
// every key is new; otherwise the most telling of them (a different body
// under the id, then a copy still in flight, then an accepted copy).
const PRECEDENCE: readonly ClaimOutcome[] = ["conflict", "in_flight", "duplicate"];
export function combineClaims(outcomes: readonly ClaimOutcome[]): ClaimOutcome {
	return PRECEDENCE.find((outcome) => outcomes.includes(outcome)) ?? "new";
}

// A pending claim outlives a slow enqueue but not a crashed Worker.
export const PENDING_LEASE_MS = 30_000;

export function decideClaim(existing: StoredClaim | null, bodyHash: string, now: number): ClaimOutcome {
	if (!existing || existing.expires_at <= now) return "new";
	if (existing.body_hash !== bodyHash) return "conflict";
	return existing.state === "committed" ? "duplicate" : "in_flight";
}

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
}

// A pending claim outlives a slow enqueue but not a crashed Worker.
export const PENDING_LEASE_MS = 30_000;

export function decideClaim(existing: StoredClaim | null, bodyHash: string, now: number): ClaimOutcome {
	if (!existing || existing.expires_at <= now) return "new";
	if (existing.body_hash !== bodyHash) return "conflict";
	return existing.state === "committed" ? "duplicate" : "in_flight";
}

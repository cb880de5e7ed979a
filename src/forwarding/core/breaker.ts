import type { Classification } from "./retry";

// A per-destination circuit breaker as a pure state machine (times are epoch
// milliseconds, passed in).
//
//   closed ──N consecutive failures──▶ open ──next_probe_at reached──▶ half_open
//     ▲                                  ▲                                │
//     │                                  └──────── probe fails ◀──────────┤
//     └──────────────────────────────────────────── probe succeeds ◀──────┘
//
// While open, deliveries are held (the caller re-queues them until
// next_probe_at); one delivery at a time goes through as a probe, at growing
// intervals. `paused` is the operator's pause: nothing goes through and no
// probe resumes it; only resume() does (resume also closes an open breaker).

export type BreakerStatus = "closed" | "open" | "half_open" | "paused";

export interface BreakerState {
	status: BreakerStatus;
	consecutive_failures: number;
	// When the breaker last opened (or was paused); null while closed.
	opened_at: number | null;
	// open: when the next probe may go. half_open: when the probe in flight
	// counts as lost and another may go. Otherwise null.
	next_probe_at: number | null;
	// Probes failed since the breaker opened; the probe interval grows with it.
	failed_probes: number;
}

export interface BreakerConfig {
	// Consecutive failures that open the breaker.
	failureThreshold: number;
	// Wait before the first probe, multiplied by probeFactor per failed probe, up to probeMaxMs.
	probeBaseMs: number;
	probeFactor: number;
	probeMaxMs: number;
	// How long a probe may be in flight before another is allowed.
	probeLeaseMs: number;
}

export const DEFAULT_BREAKER: BreakerConfig = {
	failureThreshold: 5,
	probeBaseMs: 60_000,
	probeFactor: 2,
	probeMaxMs: 60 * 60_000,
	probeLeaseMs: 60_000,
};

export const CLOSED: BreakerState = { status: "closed", consecutive_failures: 0, opened_at: null, next_probe_at: null, failed_probes: 0 };

export type BreakerOutcome = "success" | "failure";

// What a delivery's classification means for the breaker. A permanent
// rejection counts as a failure (a receiver that refuses everything gets
// paused rather than dead-lettering every event); 410 changes nothing here,
// it disables the destination itself.
export function breakerOutcome(classification: Classification): BreakerOutcome | null {
	if (classification === "success") return "success";
	if (classification === "disable") return null;
	return "failure";
}

// Wait before the probe after `failedProbes` failed ones: 1, 2, 4 … 60 min by default.
export function probeDelayMs(failedProbes: number, config: BreakerConfig = DEFAULT_BREAKER): number {
	return Math.min(config.probeMaxMs, config.probeBaseMs * config.probeFactor ** Math.max(0, failedProbes));
}

export type Admission =
	| { state: BreakerState; decision: "deliver" }
	| { state: BreakerState; decision: "probe" }
	// until: when to ask again (null: paused, until an operator resumes).
	| { state: BreakerState; decision: "hold"; until: number | null };

// May a delivery go now? Admitting a probe moves open → half_open and takes
// a lease, so concurrent callers hold instead of probing too.
export function admit(state: BreakerState, now: number, config: BreakerConfig = DEFAULT_BREAKER): Admission {
	switch (state.status) {
		case "closed":
			return { state, decision: "deliver" };
		case "paused":
			return { state, decision: "hold", until: null };
		case "open":
		case "half_open": {
			const due = state.next_probe_at ?? now;
			if (now < due) return { state, decision: "hold", until: due };
			return { state: { ...state, status: "half_open", next_probe_at: now + config.probeLeaseMs }, decision: "probe" };
		}
	}
}

function open(state: BreakerState, now: number, failedProbes: number, config: BreakerConfig): BreakerState {
	return {
		status: "open",
		consecutive_failures: state.consecutive_failures,
		opened_at: state.status === "closed" ? now : (state.opened_at ?? now),
		next_probe_at: now + probeDelayMs(failedProbes, config),
		failed_probes: failedProbes,
	};
}

// The breaker after a delivery's outcome.
export function onResult(state: BreakerState, outcome: BreakerOutcome, now: number, config: BreakerConfig = DEFAULT_BREAKER): BreakerState {
	if (state.status === "paused") return state;
	if (outcome === "success") return CLOSED;
	const failures = state.consecutive_failures + 1;
	switch (state.status) {
		case "closed":
			return failures >= config.failureThreshold
				? open({ ...state, consecutive_failures: failures }, now, 0, config)
				: { ...state, consecutive_failures: failures };
		case "half_open":
			return open({ ...state, consecutive_failures: failures }, now, state.failed_probes + 1, config);
		case "open":
			// A delivery started before the breaker opened: it changes no schedule.
			return { ...state, consecutive_failures: failures };
	}
}

export function pause(state: BreakerState, now: number): BreakerState {
	if (state.status === "paused") return state;
	return { status: "paused", consecutive_failures: state.consecutive_failures, opened_at: now, next_probe_at: null, failed_probes: 0 };
}

export function resume(state: BreakerState): BreakerState {
	return state.status === "closed" ? state : CLOSED;
}

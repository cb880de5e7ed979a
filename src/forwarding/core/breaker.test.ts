import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	admit,
	type BreakerOutcome,
	type BreakerState,
	breakerOutcome,
	CLOSED,
	DEFAULT_BREAKER,
	onResult,
	pause,
	probeDelayMs,
	resume,
} from "./breaker";

const t0 = 1_000_000;
const MIN = 60_000;

const fail = (state: BreakerState, times: number, now = t0) => {
	let s = state;
	for (let i = 0; i < times; i++) s = onResult(s, "failure", now);
	return s;
};

describe("circuit breaker", () => {
	it("stays closed below 5 consecutive failures and a success resets the count", () => {
		const four = fail(CLOSED, 4);
		expect(four).toMatchObject({ status: "closed", consecutive_failures: 4 });
		expect(onResult(four, "success", t0)).toEqual(CLOSED);
		expect(fail(onResult(four, "success", t0), 4).status).toBe("closed");
	});

	it("opens after 5 consecutive failures and holds deliveries until the first probe is due", () => {
		const opened = fail(CLOSED, 5);
		expect(opened).toEqual({ status: "open", consecutive_failures: 5, opened_at: t0, next_probe_at: t0 + MIN, failed_probes: 0 });
		expect(admit(opened, t0 + MIN - 1)).toEqual({ state: opened, decision: "hold", until: t0 + MIN });
	});

	it("lets exactly one probe through when due, holding the others while it is in flight", () => {
		const opened = fail(CLOSED, 5);
		const first = admit(opened, t0 + MIN);
		expect(first.decision).toBe("probe");
		expect(first.state.status).toBe("half_open");
		const second = admit(first.state, t0 + MIN + 1);
		expect(second).toMatchObject({ decision: "hold", until: t0 + MIN + DEFAULT_BREAKER.probeLeaseMs });
	});

	it("allows another probe when the one in flight is lost (its lease ran out)", () => {
		const probing = admit(fail(CLOSED, 5), t0 + MIN).state;
		expect(admit(probing, t0 + MIN + DEFAULT_BREAKER.probeLeaseMs).decision).toBe("probe");
	});

	it("closes when a probe succeeds", () => {
		const probing = admit(fail(CLOSED, 5), t0 + MIN).state;
		const closed = onResult(probing, "success", t0 + MIN + 500);
		expect(closed).toEqual(CLOSED);
		expect(admit(closed, t0 + MIN + 501).decision).toBe("deliver");
	});

	it("re-opens when a probe fails, probing at growing intervals up to the cap", () => {
		let state = fail(CLOSED, 5);
		let now = t0;
		const gaps: number[] = [];
		for (let i = 0; i < 9; i++) {
			now = state.next_probe_at as number;
			state = admit(state, now).state;
			expect(state.status).toBe("half_open");
			state = onResult(state, "failure", now);
			expect(state.status).toBe("open");
			expect(state.opened_at).toBe(t0);
			gaps.push((state.next_probe_at as number) - now);
		}
		expect(gaps.map((g) => g / MIN)).toEqual([2, 4, 8, 16, 32, 60, 60, 60, 60]);
	});

	it("closes on a success that arrives while open, and ignores a late failure", () => {
		const opened = fail(CLOSED, 5);
		expect(onResult(opened, "success", t0 + 1)).toEqual(CLOSED);
		const late = onResult(opened, "failure", t0 + 2);
		expect(late).toMatchObject({ status: "open", next_probe_at: opened.next_probe_at, failed_probes: 0 });
	});

	it("a manual pause holds everything and no outcome or probe resumes it", () => {
		const paused = pause(fail(CLOSED, 2), t0);
		expect(paused).toMatchObject({ status: "paused", opened_at: t0, next_probe_at: null });
		expect(admit(paused, t0 + 365 * 24 * 60 * MIN)).toEqual({ state: paused, decision: "hold", until: null });
		expect(onResult(paused, "success", t0 + 1)).toBe(paused);
		expect(onResult(paused, "failure", t0 + 1)).toBe(paused);
	});

	it("resume closes a paused or open breaker", () => {
		expect(resume(pause(CLOSED, t0))).toEqual(CLOSED);
		expect(resume(fail(CLOSED, 5))).toEqual(CLOSED);
		expect(resume(CLOSED)).toBe(CLOSED);
	});

	it("takes a custom threshold", () => {
		const config = { ...DEFAULT_BREAKER, failureThreshold: 2 };
		expect(onResult(onResult(CLOSED, "failure", t0, config), "failure", t0, config).status).toBe("open");
	});

	it("maps delivery classifications to breaker outcomes", () => {
		expect(breakerOutcome("success")).toBe("success");
		expect(breakerOutcome("retry")).toBe("failure");
		expect(breakerOutcome("fail_permanent")).toBe("failure");
		expect(breakerOutcome("disable")).toBeNull();
		expect(probeDelayMs(0)).toBe(MIN);
	});

	type Op =
		| { kind: "result"; outcome: BreakerOutcome; dt: number }
		| { kind: "admit"; dt: number }
		| { kind: "pause" | "resume"; dt: number };
	const opArb: fc.Arbitrary<Op> = fc.oneof(
		fc.record({
			kind: fc.constant("result" as const),
			outcome: fc.constantFrom<BreakerOutcome>("success", "failure"),
			dt: fc.nat({ max: 10 * MIN }),
		}),
		fc.record({ kind: fc.constant("admit" as const), dt: fc.nat({ max: 10 * MIN }) }),
		fc.record({ kind: fc.constantFrom("pause" as const, "resume" as const), dt: fc.nat({ max: 10 * MIN }) }),
	);

	it("holds its invariants under any sequence of results, admissions, pauses and resumes", () => {
		fc.assert(
			fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
				let state = CLOSED;
				let now = t0;
				let run = 0;
				for (const op of ops) {
					now += op.dt;
					const before = state;
					if (op.kind === "result") state = onResult(state, op.outcome, now);
					else if (op.kind === "admit") {
						const a = admit(state, now);
						state = a.state;
						if (before.status === "closed") expect(a.decision).toBe("deliver");
						if (before.status === "paused") expect(a.decision).toBe("hold");
						// Never two probes inside one lease.
						if (a.decision === "probe") expect(admit(state, now).decision).toBe("hold");
					} else state = op.kind === "pause" ? pause(state, now) : resume(state);

					// Only resume leaves a manual pause.
					if (before.status === "paused" && op.kind !== "resume") expect(state).toBe(before);
					// Closed means fewer consecutive failures than the threshold.
					if (state.status === "closed") expect(state.consecutive_failures).toBeLessThan(DEFAULT_BREAKER.failureThreshold);
					// A waiting breaker waits at most the longest probe interval (or lease).
					if (state.status === "open" || state.status === "half_open") {
						expect(state.next_probe_at).not.toBeNull();
						expect((state.next_probe_at as number) - now).toBeLessThanOrEqual(DEFAULT_BREAKER.probeMaxMs);
					}
					// Tracks consecutive failures from closed (no pause in between).
					if (op.kind === "result" && before.status === "closed") {
						run = op.outcome === "success" ? 0 : run + 1;
						if (run >= DEFAULT_BREAKER.failureThreshold) expect(state.status).toBe("open");
					}
					if (state.status === "closed" && before.status !== "closed") run = 0;
				}
			}),
		);
	});
});

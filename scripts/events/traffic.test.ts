import { describe, expect, it } from "vitest";
import { type LoopClock, openLoop } from "./traffic";

// A virtual clock: time moves only when everything running is waiting on it,
// straight to the earliest wake-up. What the loop does is then exact, however
// slow or busy the machine.
function virtualClock(): LoopClock & { run<T>(work: Promise<T>): Promise<T> } {
	let now = 0;
	const timers: { at: number; wake: () => void }[] = [];
	const idle = () => new Promise<void>((resolve) => setImmediate(resolve));
	return {
		now: () => now,
		sleep: (ms) => new Promise<void>((wake) => timers.push({ at: now + Math.max(0, ms), wake })),
		async run(work) {
			let done = false;
			const result = work.finally(() => {
				done = true;
			});
			for (;;) {
				await idle();
				if (done) return result;
				timers.sort((a, b) => a.at - b.at);
				const next = timers.shift();
				if (!next) throw new Error("deadlock: nothing to wait for and the work is not done");
				now = next.at;
				next.wake();
			}
		},
	};
}

describe("open loop", () => {
	it("fires every arrival once, in order, exactly at its due time", async () => {
		const clock = virtualClock();
		const fired: { i: number; at: number; since: number }[] = [];
		const result = await clock.run(
			openLoop([0, 20, 40, 60], { maxInFlight: 10, clock }, async (i, since) => {
				fired.push({ i, at: clock.now(), since });
			}),
		);
		expect(fired).toEqual([
			{ i: 0, at: 0, since: 0 },
			{ i: 1, at: 20, since: 20 },
			{ i: 2, at: 40, since: 40 },
			{ i: 3, at: 60, since: 60 },
		]);
		expect(result).toMatchObject({ issued: 4, maxLagMs: 0, windowMs: 60 });
	});

	it("does not wait for slow responses before sending the next arrival", async () => {
		const clock = virtualClock();
		const sentAt: number[] = [];
		await clock.run(
			openLoop([0, 10, 20], { maxInFlight: 10, clock }, async () => {
				sentAt.push(clock.now());
				await clock.sleep(200);
			}),
		);
		// A closed loop would have sent the third request at 400.
		expect(sentAt).toEqual([0, 10, 20]);
	});

	it("caps requests in flight, and the wait for a slot counts as latency", async () => {
		const clock = virtualClock();
		let inFlight = 0;
		let peak = 0;
		const lags: number[] = [];
		const result = await clock.run(
			openLoop(new Array(6).fill(0), { maxInFlight: 2, clock }, async (_i, since) => {
				inFlight++;
				peak = Math.max(peak, inFlight);
				lags.push(clock.now() - since);
				await clock.sleep(30);
				inFlight--;
			}),
		);
		expect(peak).toBe(2);
		// Pairs go at 0, 30 and 60: the last pair is 60 behind its due time.
		expect(lags).toEqual([0, 0, 30, 30, 60, 60]);
		expect(result.maxLagMs).toBe(60);
	});

	it("times from the send, not the due time, when asked (closed loop)", async () => {
		const clock = virtualClock();
		const lags: number[] = [];
		await clock.run(
			openLoop(new Array(4).fill(0), { maxInFlight: 1, measureFrom: "send", clock }, async (_i, since) => {
				lags.push(clock.now() - since);
				await clock.sleep(20);
			}),
		);
		expect(lags).toEqual([0, 0, 0, 0]);
	});

	it("stops issuing at the deadline, however many arrivals are left", async () => {
		const clock = virtualClock();
		const result = await clock.run(openLoop(new Array(10_000).fill(0), { maxInFlight: 2, stopAfterMs: 100, clock }, () => clock.sleep(20)));
		// Two every 20 from 0 to 80: 10 issued; the last pair ends at 100.
		expect(result.issued).toBe(10);
		expect(result.windowMs).toBe(100);
	});

	it("runs on the real clock by default", async () => {
		const result = await openLoop([0, 0], { maxInFlight: 2 }, async () => {});
		expect(result.issued).toBe(2);
	});
});

import { describe, expect, it } from "vitest";
import { openLoop } from "./traffic";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("open loop", () => {
	it("fires every arrival once, in order, no earlier than its due time", async () => {
		const fired: { i: number; at: number; since: number }[] = [];
		const start = performance.now();
		const result = await openLoop([0, 20, 40, 60], { maxInFlight: 10 }, async (i, since) => {
			fired.push({ i, at: performance.now() - start, since: since - start });
		});
		expect(fired.map((f) => f.i)).toEqual([0, 1, 2, 3]);
		for (const [k, f] of fired.entries()) {
			// Due times follow the schedule (measured from the loop's own start,
			// a hair after ours), and nothing is sent before it is due.
			expect(f.since - [0, 20, 40, 60][k]!).toBeGreaterThanOrEqual(0);
			expect(f.since - [0, 20, 40, 60][k]!).toBeLessThan(5);
			expect(f.at).toBeGreaterThanOrEqual(f.since - 0.5);
		}
		expect(result.issued).toBe(4);
	});

	it("does not wait for slow responses before sending the next arrival", async () => {
		const sentAt: number[] = [];
		const start = performance.now();
		await openLoop([0, 10, 20], { maxInFlight: 10 }, async () => {
			sentAt.push(performance.now() - start);
			await sleep(200);
		});
		// A closed loop would have sent the third request after ~400 ms.
		expect(sentAt[2]).toBeLessThan(150);
	});

	it("caps requests in flight, and the wait for a slot counts as latency", async () => {
		let inFlight = 0;
		let peak = 0;
		const lags: number[] = [];
		await openLoop(new Array(6).fill(0), { maxInFlight: 2 }, async (_i, since) => {
			inFlight++;
			peak = Math.max(peak, inFlight);
			lags.push(performance.now() - since);
			await sleep(30);
			inFlight--;
		});
		expect(peak).toBe(2);
		// The last pair waited for two earlier pairs: ~60 ms behind its due time.
		expect(Math.max(...lags)).toBeGreaterThan(50);
	});

	it("times from the send, not the due time, when asked (closed loop)", async () => {
		const lags: number[] = [];
		await openLoop(new Array(4).fill(0), { maxInFlight: 1, measureFrom: "send" }, async (_i, since) => {
			lags.push(performance.now() - since);
			await sleep(20);
		});
		expect(Math.max(...lags)).toBeLessThan(10);
	});

	it("stops issuing at the deadline, however many arrivals are left", async () => {
		const result = await openLoop(new Array(10_000).fill(0), { maxInFlight: 2, stopAfterMs: 100 }, () => sleep(20));
		expect(result.issued).toBeGreaterThan(4);
		expect(result.issued).toBeLessThan(30);
		expect(result.windowMs).toBeLessThan(500);
	});
});

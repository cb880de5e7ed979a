// Drives requests on an open-loop schedule: request i is due at offsets[i]
// whatever happened to earlier ones, and its latency is measured from that due
// time. Concurrency is capped (a sender has finite sockets); a request that
// waits for a free slot is late, and the wait counts in its latency.
import type { EventEnvelope } from "../../src/events/envelope";
import type { EventFactory } from "./data";
import { type HttpResult, outcomeOf, postSigned, request, type Target } from "./http";
import type { SendRecord } from "./reconcile";
import { type MixOptions, planKinds } from "./schedule";
import { summarize } from "./stats";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Where the loop reads the time and waits: the real clock by default; tests
// pass a virtual one, so what they check never depends on the machine's speed.
export interface LoopClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: LoopClock = { now: () => performance.now(), sleep };

export interface LoopResult {
	windowMs: number;
	// How far behind schedule the client itself fell (its own limit, not the server's).
	maxLagMs: number;
}

export interface LoopOptions {
	maxInFlight: number;
	// Stop issuing new requests after this long (a time-bounded closed loop:
	// all-zero offsets with a concurrency cap and a deadline).
	stopAfterMs?: number;
	// Measure latency from the due time (open loop, default) or from the moment
	// the request actually left (closed loop, where everything is due at once).
	measureFrom?: "due" | "send";
	clock?: LoopClock;
}

export async function openLoop(
	offsets: readonly number[],
	options: LoopOptions,
	fire: (index: number, since: number) => Promise<void>,
): Promise<LoopResult & { issued: number }> {
	const clock = options.clock ?? REAL_CLOCK;
	const start = clock.now();
	const inFlight = new Set<Promise<void>>();
	let maxLagMs = 0;
	let issued = 0;
	for (const [i, offset] of offsets.entries()) {
		const dueAt = start + offset;
		// Timers can wake a little early (libuv's cached clock): sleep again
		// until due. Bounded: every pass sleeps, and the offset is finite.
		for (let pass = 0; pass < 100 && dueAt - clock.now() > 0.5; pass++) await clock.sleep(dueAt - clock.now());
		while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
		const now = clock.now();
		if (options.stopAfterMs !== undefined && now - start >= options.stopAfterMs) break;
		maxLagMs = Math.max(maxLagMs, now - dueAt);
		const sending: Promise<void> = fire(i, options.measureFrom === "send" ? now : dueAt).finally(() => inFlight.delete(sending));
		inFlight.add(sending);
		issued++;
	}
	await Promise.all(inFlight);
	return { windowMs: clock.now() - start, maxLagMs: options.measureFrom === "send" ? 0 : Math.round(maxLagMs), issued };
}

const RECENT_WINDOW_MS = 5_000;

// A live one-line view of a run: what has been sent, what came back, how fast.
export class Progress {
	private readonly counts = new Map<string, number>();
	// [completed at, latency]: the line shows the tail of the last few seconds,
	// so a slow start does not mask (or dominate) what is happening now.
	private readonly recent: [number, number][] = [];
	private done = 0;
	private readonly started = performance.now();
	private timer: ReturnType<typeof setInterval> | undefined;

	constructor(
		private readonly label: string,
		private readonly planned: number,
		private readonly enabled: boolean,
	) {}

	record(outcome: string, ms: number): void {
		this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
		this.done++;
		const now = performance.now();
		this.recent.push([now, ms]);
		while (this.recent.length > 0 && this.recent[0]![0] < now - RECENT_WINDOW_MS) this.recent.shift();
	}

	line(): string {
		const elapsed = (performance.now() - this.started) / 1000;
		const done = this.done;
		const tail = summarize(this.recent.map(([, ms]) => ms)).p99;
		const parts = [...this.counts].map(([k, v]) => `${k} ${v}`).join("  ");
		return `[${this.label}] ${elapsed.toFixed(1)}s  ${done}/${this.planned} (${(done / Math.max(elapsed, 0.001)).toFixed(1)}/s)  ${parts}  ack p99 (last 5 s) ${tail === null ? "-" : `${Math.round(tail)}ms`}`;
	}

	start(): this {
		if (!this.enabled) return this;
		const tty = process.stderr.isTTY;
		this.timer = setInterval(() => process.stderr.write(tty ? `\r${this.line()}\x1b[K` : `${this.line()}\n`), tty ? 500 : 5000);
		return this;
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		if (this.enabled) process.stderr.write(`${process.stderr.isTTY ? "\r" : ""}${this.line()}\x1b[K\n`);
	}
}

export interface LoadOptions extends MixOptions, Omit<LoopOptions, "maxInFlight"> {
	// Due times in ms from the start (arrivalOffsets for a fixed rate; all
	// zeros for a burst).
	offsets: readonly number[];
	concurrency: number;
	random: () => number;
	progress: boolean;
	label?: string;
}

export interface LoadResult extends LoopResult {
	records: SendRecord[];
	planned: number;
}

const loopOptions = (o: Omit<LoopOptions, "maxInFlight"> & { concurrency: number }): LoopOptions => ({
	maxInFlight: o.concurrency,
	stopAfterMs: o.stopAfterMs,
	measureFrom: o.measureFrom,
});

// Open-loop load of realistic events, with sender retries (duplicates of
// events already acknowledged) and poison mixed in at the given ratios.
export async function runLoad(target: Target, factory: EventFactory, options: LoadOptions): Promise<LoadResult> {
	const { offsets } = options;
	const kinds = planKinds(offsets.length, options, options.random);
	const acknowledged: EventEnvelope[] = [];
	const records: SendRecord[] = [];
	const progress = new Progress(options.label ?? "load", offsets.length, options.progress).start();
	const loop = await openLoop(offsets, loopOptions(options), async (i, since) => {
		const kind = kinds[i] ?? "new";
		const event =
			kind === "duplicate" && acknowledged.length > 0
				? acknowledged[Math.floor(options.random() * acknowledged.length)]!
				: kind === "poison"
					? factory.poison()
					: factory.next();
		const result = await postSigned(target, "/webhook/events", event, since);
		const outcome = outcomeOf(result);
		if (outcome === "accepted" && kind !== "poison") acknowledged.push(event);
		records.push({ eventId: event.event_id, intent: kind === "poison" ? "poison" : "valid", outcome, ackMs: result.ms });
		progress.record(outcome, result.ms);
	});
	progress.stop();
	return { ...loop, records, planned: offsets.length };
}

export interface ProbeResult extends LoopResult {
	latencies: number[];
	failures: number;
}

// The same open-loop schedule against a route that does no I/O: what the
// runtime itself costs on this machine, the ceiling ingest is compared to.
export async function runNoop(target: Target, options: Omit<LoadOptions, keyof MixOptions | "random">): Promise<ProbeResult> {
	const { offsets } = options;
	const latencies: number[] = [];
	let failures = 0;
	const progress = new Progress(options.label ?? "noop", offsets.length, options.progress).start();
	const loop = await openLoop(offsets, loopOptions(options), async (_i, since) => {
		const result: HttpResult = await request(target, { method: "GET", path: "/health/live", since });
		if (result.status === 200) latencies.push(result.ms);
		else failures++;
		progress.record(result.status === 200 ? "ok" : "failed", result.ms);
	});
	progress.stop();
	return { ...loop, latencies, failures };
}

import type { IngestSample } from "./ingest-sample";

export type Flush = (samples: IngestSample[]) => Promise<void>;
export type WaitUntil = (promise: Promise<unknown>) => void;

// Ingest samples gathered per isolate and written in one call per interval,
// so the ack path makes no Durable Object call of its own. The request that
// opens an interval hands the flush to waitUntil, which keeps the isolate
// alive until it has run: samples are delayed by at most flushAfterMs, never
// dropped. A full buffer flushes at once.
export class SampleBuffer {
	private pending: IngestSample[] = [];
	private scheduled = false;

	constructor(
		private readonly flushAfterMs: number,
		private readonly maxPending = 500,
	) {}

	add(sample: IngestSample, flush: Flush, waitUntil: WaitUntil): void {
		this.pending.push(sample);
		if (this.pending.length >= this.maxPending) {
			waitUntil(this.flush(flush));
			return;
		}
		if (this.scheduled) return;
		this.scheduled = true;
		waitUntil(new Promise((resolve) => setTimeout(resolve, this.flushAfterMs)).then(() => this.flush(flush)));
	}

	// Takes everything pending now; samples added meanwhile open a new interval.
	async flush(flush: Flush): Promise<void> {
		this.scheduled = false;
		const batch = this.pending;
		this.pending = [];
		if (batch.length > 0) await flush(batch);
	}

	get size(): number {
		return this.pending.length;
	}
}

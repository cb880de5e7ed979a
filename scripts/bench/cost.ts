// What one event costs at list price and when D1 fills, from the figures the
// bench measured per event (storage.ts). Pure, so the arithmetic is tested.
// Prices: Cloudflare's published Workers Paid list prices, before the
// monthly included amounts (so a small bill is overstated, never understated);
// Hookdeck's published list price per million events.

export const PRICES = {
	workersRequestPerM: 0.3,
	durableObjectRequestPerM: 0.15,
	durableObjectRowWrittenPerM: 1.0,
	queueOperationPerM: 0.4,
	d1RowWrittenPerM: 1.0,
	d1StoragePerGbMonth: 0.75,
	r2ClassAPerM: 4.5,
	r2StoragePerGbMonth: 0.015,
	hookdeckPerM: 10,
} as const;

// D1's hard cap per database.
export const D1_LIMIT_BYTES = 10 * 1000 ** 3;

export interface PerEvent {
	// Worker invocations: the ingest request plus consumer invocations (batches ÷ events).
	workerRequests: number;
	durableObjectRequests: number;
	shardRowsWritten: number;
	queueOperations: number;
	// D1's own meta.rows_written of the consumer, and retention's deletes
	// amortised over the events they removed.
	d1RowsWritten: number;
	d1RetentionRowsWritten: number;
	r2ClassA: number;
	// Database growth per event: all of it, and the part retention frees again.
	d1Bytes: number;
	d1BytesFreedByRetention: number;
	r2Bytes: number;
}

export interface BillLine {
	eventsPerMonth: number;
	lines: Record<string, number>;
	total: number;
	hookdeck: number;
}

const money = (v: number) => Math.round(v * 100) / 100;

// One month at a steady volume: operations priced per event; D1 storage as
// the month's new rows (one retention window ≈ one month); R2 as the month's
// archive.
export function monthlyBill(perEvent: PerEvent, eventsPerMonth: number): BillLine {
	const m = eventsPerMonth / 1e6;
	const lines = {
		workers: m * perEvent.workerRequests * PRICES.workersRequestPerM,
		durableObjects: m * perEvent.durableObjectRequests * PRICES.durableObjectRequestPerM,
		shardWrites: m * perEvent.shardRowsWritten * PRICES.durableObjectRowWrittenPerM,
		queues: m * perEvent.queueOperations * PRICES.queueOperationPerM,
		d1Writes: m * (perEvent.d1RowsWritten + perEvent.d1RetentionRowsWritten) * PRICES.d1RowWrittenPerM,
		d1Storage: ((eventsPerMonth * perEvent.d1Bytes) / 1e9) * PRICES.d1StoragePerGbMonth,
		r2: m * perEvent.r2ClassA * PRICES.r2ClassAPerM + ((eventsPerMonth * perEvent.r2Bytes) / 1e9) * PRICES.r2StoragePerGbMonth,
	};
	const rounded = Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, money(v)]));
	return {
		eventsPerMonth,
		lines: rounded,
		total: money(Object.values(lines).reduce((a, b) => a + b, 0)),
		hookdeck: money(m * PRICES.hookdeckPerM),
	};
}

export interface FillTime {
	eventsPerSecond: number;
	// The retention window's rows once it is full (steady state), bytes.
	retainedBytes: number;
	// What stays for good, per day (business tables, rollups, the manifest).
	keptBytesPerDay: number;
	// Days until 10 GB, or null: never (nothing accumulates) or already over
	// when the window alone is past the cap (then 0).
	days: number | null;
}

export function fillTime(perEvent: PerEvent, eventsPerSecond: number, retentionDays: number): FillTime {
	const perDay = eventsPerSecond * 86_400;
	const freed = Math.min(perEvent.d1BytesFreedByRetention, perEvent.d1Bytes);
	const retainedBytes = perDay * retentionDays * freed;
	const keptBytesPerDay = perDay * (perEvent.d1Bytes - freed);
	if (retainedBytes >= D1_LIMIT_BYTES) return { eventsPerSecond, retainedBytes, keptBytesPerDay, days: 0 };
	const days = keptBytesPerDay > 0 ? retentionDays + (D1_LIMIT_BYTES - retainedBytes) / keptBytesPerDay : null;
	return { eventsPerSecond, retainedBytes, keptBytesPerDay, days: days === null ? null : Math.round(days) };
}

// The longest RETENTION_DAYS whose window of rows alone stays under half of
// one database at this rate (the other half for what is kept for good and
// for growth), in whole days; 0 when not even a day fits.
export function retentionDaysThatFit(perEvent: PerEvent, eventsPerSecond: number): number {
	const freed = Math.min(perEvent.d1BytesFreedByRetention, perEvent.d1Bytes);
	if (freed <= 0) return Number.POSITIVE_INFINITY;
	return Math.floor(D1_LIMIT_BYTES / 2 / (eventsPerSecond * 86_400 * freed));
}

export const perMillion = (bill: BillLine) => money(bill.total / (bill.eventsPerMonth / 1e6));

// What the bill would take to reach Hookdeck's list price with everything
// else as measured: the D1 rows written per event (consumer and retention
// together) at which it would, and what the queue operations cost per
// million (all that packing several events into one message could save).
export interface PriceGap {
	perMillion: number;
	// D1 rows written per event at which the bill equals Hookdeck's price;
	// below 0 when the other lines alone are over it.
	d1RowsAtHookdeck: number;
	queuesPerMillion: number;
}

export function priceGap(perEvent: PerEvent): PriceGap {
	const bill = monthlyBill(perEvent, 1e6);
	const others = bill.total - (bill.lines.d1Writes ?? 0);
	return {
		perMillion: bill.total,
		d1RowsAtHookdeck: money((PRICES.hookdeckPerM - others) / PRICES.d1RowWrittenPerM),
		queuesPerMillion: bill.lines.queues ?? 0,
	};
}

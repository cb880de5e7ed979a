// Open-loop arrival scheduling: when each request is due is fixed before the
// run starts, so a slow server cannot slow the client down and hide its own
// latency (no coordinated omission). Latency is measured from the due time.

export type SendKind = "new" | "duplicate" | "poison";

// Due times (ms from the start) of a fixed-rate arrival process.
export function arrivalOffsets(ratePerSecond: number, durationMs: number): number[] {
	if (!(ratePerSecond > 0) || !(durationMs > 0)) return [];
	const count = Math.floor((ratePerSecond * durationMs) / 1000);
	const interval = 1000 / ratePerSecond;
	return Array.from({ length: count }, (_, i) => i * interval);
}

export interface MixOptions {
	duplicateRatio: number;
	poisonRatio: number;
}

// What each arrival sends: a new event, a copy of one already acknowledged
// (a sender's retry), or a poison event the consumer must dead-letter.
// The first arrival is always new, so there is something to duplicate.
export function planKinds(count: number, mix: MixOptions, random: () => number): SendKind[] {
	return Array.from({ length: count }, (_, i) => {
		if (i === 0) return "new";
		const roll = random();
		if (roll < mix.duplicateRatio) return "duplicate";
		if (roll < mix.duplicateRatio + mix.poisonRatio) return "poison";
		return "new";
	});
}

// Achieved rate over the send window (first due time to last send).
export function achievedRate(sends: number, windowMs: number): number {
	return windowMs > 0 ? Math.round((sends / windowMs) * 1000 * 100) / 100 : 0;
}

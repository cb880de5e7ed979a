// Open-loop load at a fixed arrival rate, with sender retries and poison
// mixed in, and a live progress line.
import { arrivalOffsets } from "../schedule";
import { round2 } from "../stats";
import { runLoad } from "../traffic";
import type { Scenario } from "./common";

export const load: Scenario = async (ctx) => {
	const { rate, duration, concurrency, duplicates, poison } = ctx.options;
	const result = await runLoad(ctx.target, ctx.factory, {
		offsets: arrivalOffsets(rate, duration),
		concurrency,
		duplicateRatio: duplicates,
		poisonRatio: poison,
		random: ctx.random,
		progress: ctx.progress,
	});
	const flagged =
		result.maxLagMs > 1000
			? [`requests went out up to ${result.maxLagMs} ms late (concurrency cap or a busy client); the delay is in the ack latency`]
			: [];
	return { records: result.records, windowMs: result.windowMs, offeredRate: round2(rate), flagged };
};

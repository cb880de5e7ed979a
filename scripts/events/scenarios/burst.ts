// N events due at the same instant; --concurrency caps how many are in flight.
import { runLoad } from "../traffic";
import type { Scenario } from "./common";

export const burst: Scenario = async (ctx) => {
	const count = ctx.options.count ?? 50;
	const result = await runLoad(ctx.target, ctx.factory, {
		offsets: new Array<number>(count).fill(0),
		concurrency: ctx.options.concurrency,
		duplicateRatio: 0,
		poisonRatio: 0,
		random: ctx.random,
		progress: ctx.progress,
		label: "burst",
		// Everything is due at once: each ack is timed from when it left.
		measureFrom: "send",
	});
	return { records: result.records, windowMs: result.windowMs };
};

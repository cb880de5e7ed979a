// A handful of realistic events in the real-traffic mix, one at a time,
// each response printed.
import { elapsedSince, flaggedOf, type Scenario, sendEach } from "./common";

export const basic: Scenario = async (ctx) => {
	const start = performance.now();
	const count = ctx.options.count ?? 12;
	const items = Array.from({ length: count }, () => {
		const event = ctx.factory.next();
		return { label: `${event.event_type.padEnd(20)} ${event.event_id} ${event.user_id}`, event, expect: 202 };
	});
	const { records, details } = await sendEach(ctx, items);
	return { records, details, windowMs: elapsedSince(start), flagged: flaggedOf(details) };
};

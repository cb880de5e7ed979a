import { z } from "zod";
import { instant as adminInstant } from "../shared/params";
import { bucketCount, DEFAULT_SPAN_MS, INTERVALS, MAX_BUCKETS, type TimeRange, timeRange } from "./buckets";

// An instant as epoch ms: the admin routes' instant (a date-time with a zone
// or epoch milliseconds), or also a plain date (UTC midnight).
const instant = z.union([z.iso.date().transform((s) => Date.parse(s)), adminInstant], {
	error: "must be an ISO 8601 date (2026-11-01), a date-time with a zone (2026-11-01T00:00:00Z) or epoch milliseconds",
});

// Query parameters every analytics route takes (also what OpenAPI describes).
export const rangeParams = z.object({
	from: instant.optional().describe("Start, inclusive (default: `to` minus 2 days / 30 days / 26 weeks by interval)"),
	to: instant.optional().describe("End, exclusive (default: now)"),
	interval: z.enum(INTERVALS).default("day").describe("Bucket size; weeks start on Monday 00:00 UTC"),
});

export const usageParams = rangeParams.extend({
	feature: z.string().min(1).max(200).optional().describe("Only this feature"),
	top: z.coerce.number().int().min(1).max(100).default(10).describe("How many top users to list"),
});

export const funnelParams = rangeParams.extend({
	days: z.coerce.number().int().min(1).max(365).default(14).describe("A signup counts as converted if it subscribes within this many days"),
});

// Resolves the defaults and checks the window as a whole, naming the
// parameter at fault; the result carries the bucket grid as `range`.
function withRange<S extends typeof rangeParams>(params: S) {
	return params.transform((query, ctx) => {
		const to = query.to ?? Date.now();
		const from = query.from ?? to - DEFAULT_SPAN_MS[query.interval];
		if (from >= to) {
			ctx.addIssue({ code: "custom", path: ["from"], message: "must be before to (from < to)" });
			return z.NEVER;
		}
		const range: TimeRange = timeRange(from, to, query.interval);
		const buckets = bucketCount(range);
		if (buckets > MAX_BUCKETS) {
			ctx.addIssue({
				code: "custom",
				path: ["interval"],
				message: `from..to spans ${buckets} ${query.interval} buckets, at most ${MAX_BUCKETS}: use a wider interval or a shorter range`,
			});
			return z.NEVER;
		}
		return { ...query, range };
	});
}

export const rangeQuery = withRange(rangeParams);
export const usageQuery = withRange(usageParams);
export const funnelQuery = withRange(funnelParams);

export type RangeQuery = z.output<typeof rangeQuery>;
export type UsageQuery = z.output<typeof usageQuery>;
export type FunnelQuery = z.output<typeof funnelQuery>;

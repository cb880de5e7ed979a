import { instant as adminInstant } from "../shared/params";
import * as z from "../zod/mini";
import { bucketCount, DEFAULT_SPAN_MS, INTERVALS, MAX_BUCKETS, type TimeRange, timeRange } from "./buckets";

// An instant as epoch ms: the admin routes' instant (a date-time with a zone
// or epoch milliseconds), or also a plain date (UTC midnight).
const instant = z.union(
	[
		z.pipe(
			z.iso.date(),
			z.transform((s: string) => Date.parse(s)),
		),
		adminInstant,
	],
	{
		error: "must be an ISO 8601 date (2026-11-01), a date-time with a zone (2026-11-01T00:00:00Z) or epoch milliseconds",
	},
);

// Query parameters every analytics route takes (also what OpenAPI describes).
export const rangeParams = z.object({
	from: z.optional(instant).check(z.describe("Start, inclusive (default: `to` minus 2 days / 30 days / 26 weeks by interval)")),
	to: z.optional(instant).check(z.describe("End, exclusive (default: now)")),
	interval: z._default(z.enum(INTERVALS), "day").check(z.describe("Bucket size; weeks start on Monday 00:00 UTC")),
});

export const usageParams = z.extend(rangeParams, {
	feature: z.optional(z.string().check(z.minLength(1), z.maxLength(200))).check(z.describe("Only this feature")),
	top: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 10).check(z.describe("How many top users to list")),
});

export const funnelParams = z.extend(rangeParams, {
	days: z
		._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(365)), 14)
		.check(z.describe("A signup counts as converted if it subscribes within this many days")),
});

// Resolves the defaults and checks the window as a whole, naming the
// parameter at fault; the result carries the bucket grid as `range`.
function withRange<S extends typeof rangeParams>(params: S) {
	return z.pipe(
		params,
		z.transform((query: z.output<S>, ctx) => {
			const to = query.to ?? Date.now();
			const from = query.from ?? to - DEFAULT_SPAN_MS[query.interval];
			if (from >= to) {
				z.addIssue(ctx, { path: ["from"], message: "must be before to (from < to)" });
				return z.NEVER;
			}
			const range: TimeRange = timeRange(from, to, query.interval);
			const buckets = bucketCount(range);
			if (buckets > MAX_BUCKETS) {
				z.addIssue(ctx, {
					path: ["interval"],
					message: `from..to spans ${buckets} ${query.interval} buckets, at most ${MAX_BUCKETS}: use a wider interval or a shorter range`,
				});
				return z.NEVER;
			}
			return { ...query, range };
		}),
	);
}

export const rangeQuery = withRange(rangeParams);
export const usageQuery = withRange(usageParams);
export const funnelQuery = withRange(funnelParams);

export type RangeQuery = z.output<typeof rangeQuery>;
export type UsageQuery = z.output<typeof usageQuery>;
export type FunnelQuery = z.output<typeof funnelQuery>;

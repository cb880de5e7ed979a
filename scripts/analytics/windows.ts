// The windows bench:analytics times every route and statement on: everyday
// ones, the largest hour window (2,000 buckets), windows whose edges fall
// mid-day, and whole years. The seed spans 2026-06-01..2026-12-01, so the
// year windows read every seeded row.
import { funnelQuery, usageQuery } from "../../src/analytics/params";
import type { AnyAnalyticsQuery } from "../../src/analytics/queries";

export interface BenchWindow {
	label: string;
	from: string;
	to: string;
	interval: "hour" | "day" | "week";
}

export const WINDOWS: readonly BenchWindow[] = [
	{ label: "7 d by hour", from: "2026-11-01", to: "2026-11-08", interval: "hour" },
	{ label: "83 d by hour", from: "2026-09-01", to: "2026-11-23T08:00:00Z", interval: "hour" },
	{ label: "30 d by day", from: "2026-10-01", to: "2026-10-31", interval: "day" },
	{ label: "30 d by day, mid-day edges", from: "2026-10-01T10:30:00Z", to: "2026-10-31T15:45:00Z", interval: "day" },
	{ label: "183 d by week", from: "2026-06-01", to: "2026-12-01", interval: "week" },
	{ label: "365 d by day", from: "2026-01-01", to: "2027-01-01", interval: "day" },
	{ label: "365 d by week, mid-day edges", from: "2026-03-01T06:00:00Z", to: "2027-03-01T06:00:00Z", interval: "week" },
];

// Every route's parameters for one window (route defaults: top 10, 14 days).
export const queryFor = (w: BenchWindow): AnyAnalyticsQuery => ({ ...funnelQuery.parse(w), ...usageQuery.parse(w) });

export const searchOf = (w: BenchWindow): string => new URLSearchParams({ from: w.from, to: w.to, interval: w.interval }).toString();

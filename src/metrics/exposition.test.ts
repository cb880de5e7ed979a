import { describe, expect, it } from "vitest";
import { histogramFamily, render, single } from "./exposition";
import { bucketOf, cumulate } from "./histogram";

describe("Prometheus exposition", () => {
	it("renders counters with HELP, TYPE and escaped labels", () => {
		const text = render([
			single("webhook_events_accepted_total", "Events accepted", "counter", 12),
			{
				name: "webhook_events_rejected_total",
				help: "By reason",
				type: "counter",
				samples: [{ labels: { reason: 'bad"one\\' }, value: 3 }],
			},
		]);
		expect(text).toBe(
			[
				"# HELP webhook_events_accepted_total Events accepted",
				"# TYPE webhook_events_accepted_total counter",
				"webhook_events_accepted_total 12",
				"# HELP webhook_events_rejected_total By reason",
				"# TYPE webhook_events_rejected_total counter",
				'webhook_events_rejected_total{reason="bad\\"one\\\\"} 3',
				"",
			].join("\n"),
		);
	});

	it("renders a millisecond histogram as cumulative buckets in seconds with +Inf, sum and count", () => {
		const h = cumulate(
			[10, 100],
			new Map([
				[10, 2],
				[100, 3],
			]),
			6,
			1500,
		);
		const text = render([histogramFamily("x_seconds", "Latency", h)]);
		expect(text).toContain('x_seconds_bucket{le="0.01"} 2\n');
		expect(text).toContain('x_seconds_bucket{le="0.1"} 5\n');
		expect(text).toContain('x_seconds_bucket{le="+Inf"} 6\n');
		expect(text).toContain("x_seconds_sum 1.5\n");
		expect(text).toContain("x_seconds_count 6\n");
	});

	it("puts a value in the smallest bucket that holds it", () => {
		expect(bucketOf(0)).toBe(5);
		expect(bucketOf(5)).toBe(5);
		expect(bucketOf(5.1)).toBe(10);
		expect(bucketOf(1e9)).toBeNull();
	});
});

import { describe, expect, it } from "vitest";
import { escapeXml, logTicks, renderChart } from "./chart";

describe("chart", () => {
	it("puts 1-2-5 ticks on a log axis", () => {
		expect(logTicks(1, 100)).toEqual([1, 2, 5, 10, 20, 50, 100]);
		expect(logTicks(0.1, 1)).toEqual([0.1, 0.2, 0.5, 1]);
	});

	it("escapes text so labels cannot break the SVG", () => {
		expect(escapeXml(`p99 < 50 ms & "ok"`)).toBe("p99 &lt; 50 ms &amp; &quot;ok&quot;");
	});

	it("draws one path per series with two or more points, skipping missing values, plus legend and thresholds", () => {
		const svg = renderChart({
			title: "Latency vs rate",
			xLabel: "offered events/s",
			yLabel: "ms",
			series: [
				{
					label: "ack p99",
					color: "#d62728",
					points: [
						{ x: 10, y: 5 },
						{ x: 20, y: 8 },
						{ x: 40, y: null },
					],
				},
				{
					label: "e2e p99",
					color: "#1f77b4",
					dashed: true,
					points: [
						{ x: 10, y: 900 },
						{ x: 20, y: 1100 },
					],
				},
				{ label: "single", color: "#2ca02c", points: [{ x: 10, y: 3 }] },
			],
			thresholds: [{ y: 50, label: "ack budget 50 ms" }],
		});
		expect(svg.startsWith("<svg")).toBe(true);
		expect(svg.trim().endsWith("</svg>")).toBe(true);
		expect(svg.match(/<path /g)).toHaveLength(2);
		expect(svg.match(/<circle /g)).toHaveLength(5);
		expect(svg).toContain("ack budget 50 ms");
		expect(svg).toContain('stroke-dasharray="6 4"');
		expect(svg).not.toContain("NaN");
	});

	it("renders an empty chart without NaN when nothing was measured", () => {
		const svg = renderChart({ title: "t", xLabel: "x", yLabel: "y", series: [{ label: "a", color: "#000", points: [] }] });
		expect(svg).not.toContain("NaN");
		expect(svg).not.toContain("Infinity");
	});
});

import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, RULE_IDS } from "../../src/alerting/core/rules";
import { histogramFamily, type MetricFamily, render, single } from "../../src/metrics/exposition";
import { ACK_BUCKETS_MS, cumulate } from "../../src/metrics/histogram";
import {
	alertsInRulesFile,
	exprsInDashboard,
	familiesInSource,
	knownMetricNames,
	METRICS_SOURCE_DIR,
	metricNamesInExposition,
	metricNamesInPromQL,
	PLANNED_METRICS,
	REPO_ROOT,
	readExposedFamilies,
	seriesNames,
} from "./metric-names";

const read = (...p: string[]) => readFileSync(path.join(REPO_ROOT, ...p), "utf8");
const rulesFile = read("ops", "prometheus", "alerts.yml");
const dashboard = JSON.parse(read("ops", "grafana", "dashboard.json")) as {
	panels: { id: number; type: string; title: string }[];
	templating: unknown;
};
const known = knownMetricNames();

describe("metric names /metrics exposes", () => {
	it("reads every family the /metrics route defines from the src/metrics source", () => {
		const families = readExposedFamilies();
		// One family per single(…), histogramFamily(…) and { name, help, type } in routes.ts.
		const routes = readFileSync(path.join(METRICS_SOURCE_DIR, "routes.ts"), "utf8");
		const calls = (routes.match(/\bsingle\(|\bhistogramFamily\(|\bname:\s*"/g) ?? []).length;
		expect(families).toHaveLength(calls);
		expect(families).toEqual(
			expect.arrayContaining([
				{ name: "webhook_backlog_events", type: "gauge" },
				{ name: "webhook_events_rejected_total", type: "counter" },
				{ name: "webhook_dead_letters", type: "gauge" },
				{ name: "webhook_ack_latency_seconds", type: "histogram" },
			]),
		);
	});

	it("leaves out the families test files render", () => {
		expect(readExposedFamilies().map((f) => f.name)).not.toContain("x_seconds");
	});

	it("names histogram series with their _bucket, _sum and _count suffixes", () => {
		expect(
			seriesNames([
				{ name: "a_seconds", type: "histogram" },
				{ name: "b_total", type: "counter" },
			]),
		).toEqual(["a_seconds_bucket", "a_seconds_sum", "a_seconds_count", "b_total"]);
	});

	it("reads the same names back from a scrape rendered by src/metrics/exposition", () => {
		const families = readExposedFamilies();
		const h = cumulate(ACK_BUCKETS_MS, new Map([[5, 1]]), 1, 3);
		const rendered: MetricFamily[] = families.map((f) =>
			f.type === "histogram"
				? histogramFamily(f.name, "h", h)
				: f.name === "webhook_events_rejected_total"
					? { name: f.name, help: "by reason", type: f.type, samples: [{ labels: { reason: "a" }, value: 1 }] }
					: single(f.name, "x", f.type, 1),
		);
		expect(metricNamesInExposition(render(rendered))).toEqual([...known.exposed].sort());
	});

	it("parses families out of source text", () => {
		const source = `single("a_total", "with \\"quotes\\"", "counter", 1), histogramFamily("b_seconds", "h", x), { name: "c", help: "y", type: "gauge", samples: [] }`;
		expect(familiesInSource(source)).toEqual([
			{ name: "a_total", type: "counter" },
			{ name: "b_seconds", type: "histogram" },
			{ name: "c", type: "gauge" },
		]);
	});

	it("keeps planned metrics apart from exposed ones (move a name out of PLANNED_METRICS once /metrics has it)", () => {
		for (const name of known.planned) expect(known.exposed, name).not.toContain(name);
		expect(PLANNED_METRICS).toEqual([]);
		expect(readExposedFamilies()).toEqual(
			expect.arrayContaining([
				{ name: "webhook_destination_paused", type: "gauge" },
				{ name: "webhook_destination_deliveries_total", type: "counter" },
			]),
		);
	});
});

describe("PromQL metric-name reading", () => {
	it("skips functions, keywords, grouping labels, label matchers, ranges, numbers and Grafana variables", () => {
		expect(
			metricNamesInPromQL('histogram_quantile(0.95, sum by (job, le) (rate(x_seconds_bucket{job="a",le!="+Inf"}[5m]))) > 0.1'),
		).toEqual(["x_seconds_bucket"]);
		expect(metricNamesInPromQL("a_total / on (job) group_left b_total and c > 1e3 or vector(0)")).toEqual(["a_total", "b_total", "c"]);
		expect(metricNamesInPromQL("sum(rate(a_total[$__rate_interval])) offset 5m")).toEqual(["a_total"]);
		expect(metricNamesInPromQL('count(max by (destination) (d) > 0) unless e{status="open"}')).toEqual(["d", "e"]);
	});
});

describe("ops/prometheus/alerts.yml", () => {
	const alerts = alertsInRulesFile(rulesFile);

	it("has one alert per default rule of src/alerting/core, labelled with its id", () => {
		expect(alerts.map((a) => a.labels.rule).sort()).toEqual([...RULE_IDS].sort());
		for (const a of alerts) {
			expect(a.expr, a.alert).not.toBe("");
			expect(a.labels.severity, a.alert).toMatch(/^(warning|critical)$/);
		}
	});

	it("references only metrics /metrics exposes, or planned ones", () => {
		const names = alerts.flatMap((a) => metricNamesInPromQL(a.expr));
		expect(names.length).toBeGreaterThan(0);
		for (const n of names) expect([...known.exposed, ...known.planned], n).toContain(n);
	});

	it("uses the same thresholds and windows as src/alerting/core's defaults", () => {
		const byRule = Object.fromEntries(alerts.map((a) => [a.labels.rule, a]));
		const minutes = (ms: number) => `${ms / 60_000}m`;
		expect(byRule.backlog_high?.expr).toContain(`> ${DEFAULT_RULES.backlog_high.threshold}`);
		expect(byRule.backlog_high?.for).toBe(minutes(DEFAULT_RULES.backlog_high.for_ms));
		const failure = byRule.failure_rate_high?.expr ?? "";
		expect(failure).toContain(`> ${DEFAULT_RULES.failure_rate_high.threshold}`);
		expect(failure).toContain(`>= ${DEFAULT_RULES.failure_rate_high.min_settled}`);
		expect(failure).toContain(`[${minutes(DEFAULT_RULES.failure_rate_high.window_ms)}]`);
		expect(byRule.failure_rate_high?.for).toBeUndefined();
		const ack = byRule.ack_p95_high?.expr ?? "";
		expect(ack).toContain(`histogram_quantile(${DEFAULT_RULES.ack_p95_high.quantile},`);
		expect(ack).toContain(`> ${DEFAULT_RULES.ack_p95_high.threshold_ms / 1000}`);
		expect(ack).toContain(`[${minutes(DEFAULT_RULES.ack_p95_high.window_ms)}]`);
		expect(byRule.dead_letters_new?.expr).toMatch(/increase\(webhook_events_dead_lettered_total\[\d+m\]\) > 0/);
		expect(metricNamesInPromQL(byRule.destination_paused?.expr ?? "")).toEqual(["webhook_destination_paused"]);
	});

	it("reads inline and block expressions, for and labels", () => {
		const text = [
			"groups:",
			"  - name: g",
			"    rules:",
			"      - alert: A",
			"        expr: |",
			"          a_total",
			"          > 1",
			"        for: 5m",
			"        labels:",
			"          rule: r1",
			"        annotations:",
			'          summary: "expr: not_this"',
			"      - alert: B",
			'        expr: "b > 2"',
			"        labels:",
			"          rule: r2",
		].join("\n");
		expect(alertsInRulesFile(text)).toEqual([
			{ alert: "A", expr: "a_total\n> 1", for: "5m", labels: { rule: "r1" } },
			{ alert: "B", expr: "b > 2", labels: { rule: "r2" } },
		]);
	});
});

describe("ops/grafana/dashboard.json", () => {
	const exprs = exprsInDashboard(dashboard);

	it("references only metrics /metrics exposes, or planned ones", () => {
		expect(exprs.length).toBeGreaterThan(10);
		for (const e of exprs) {
			const names = metricNamesInPromQL(e);
			expect(names.length, e).toBeGreaterThan(0);
			for (const n of names) expect([...known.exposed, ...known.planned], `${n} in ${e}`).toContain(n);
		}
	});

	it("charts every exposed metric somewhere", () => {
		const used = new Set(exprs.flatMap(metricNamesInPromQL));
		const families = readExposedFamilies();
		for (const f of families) {
			const series = seriesNames([f]);
			expect(
				series.some((s) => used.has(s)),
				f.name,
			).toBe(true);
		}
	});

	it("covers throughput, latency quantiles, backlog, failures, dead letters and destinations", () => {
		const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(" | ");
		for (const word of ["per second", "ack latency", "end-to-end latency", "backlog", "failure rate", "dead letters", "destinations"])
			expect(titles, word).toContain(word);
		expect(exprs.some((e) => e.startsWith("histogram_quantile(0.95"))).toBe(true);
	});

	it("has unique panel ids and a Prometheus data source variable", () => {
		const ids = dashboard.panels.map((p) => p.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(JSON.stringify(dashboard.templating)).toContain('"type":"datasource"');
	});
});

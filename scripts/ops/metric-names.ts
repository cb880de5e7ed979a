import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// The metric names the Worker's /metrics exposes, and small parsers that pull
// metric names out of PromQL, the Prometheus rules file, the Grafana
// dashboard and a live /metrics scrape, so ops/ can be checked against them.
//
// Where the names come from: the families are built inside the /metrics route
// handler (src/metrics/routes.ts), which needs D1 and Durable Object bindings
// to run, so the names are read from the src/metrics/*.ts source text (the
// string literals passed to single(…), histogramFamily(…) and { name, type }
// family objects). src/metrics/exposition.ts itself is pure, and the tests use
// it to check the exposition parser against real rendering.

export type MetricType = "counter" | "gauge" | "histogram";

export interface MetricFamilyName {
	name: string;
	type: MetricType;
}

export const REPO_ROOT = path.join(import.meta.dirname, "..", "..");
export const METRICS_SOURCE_DIR = path.join(REPO_ROOT, "src", "metrics");

// Metrics ops/ uses before /metrics exposes them: whoever adds one to ops/
// ahead of the code lists it here, and moves it out once /metrics has it (a
// test fails while a name is in both lists). The destination metrics were
// the last ones; src/metrics/routes.ts exposes them now.
export const PLANNED_METRICS: readonly (MetricFamilyName & { labels: readonly string[]; help: string })[] = [];

const STRING = String.raw`"((?:[^"\\]|\\.)*)"`;
const NAME = `"([a-zA-Z_:][a-zA-Z0-9_:]*)"`;
const SINGLE = new RegExp(String.raw`\bsingle\(\s*${NAME}\s*,\s*${STRING}\s*,\s*"(counter|gauge)"`, "g");
const HISTOGRAM = new RegExp(String.raw`\bhistogramFamily\(\s*${NAME}`, "g");
// { name: "…", help: "…", type: "…" } family objects.
const OBJECT = new RegExp(String.raw`\bname:\s*${NAME}\s*,\s*help:\s*${STRING}\s*,\s*type:\s*"(counter|gauge|histogram)"`, "g");

export function familiesInSource(source: string): MetricFamilyName[] {
	const found: MetricFamilyName[] = [];
	for (const m of source.matchAll(SINGLE)) found.push({ name: m[1] as string, type: m[3] as MetricType });
	for (const m of source.matchAll(HISTOGRAM)) found.push({ name: m[1] as string, type: "histogram" });
	for (const m of source.matchAll(OBJECT)) found.push({ name: m[1] as string, type: m[3] as MetricType });
	return found;
}

// Every family the non-test sources of src/metrics define, sorted by name.
export function readExposedFamilies(dir: string = METRICS_SOURCE_DIR): MetricFamilyName[] {
	const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
	const byName = new Map<string, MetricFamilyName>();
	for (const f of files) for (const family of familiesInSource(readFileSync(path.join(dir, f), "utf8"))) byName.set(family.name, family);
	return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

// The series names a family shows up under in PromQL and in a scrape.
export function seriesNames(families: readonly MetricFamilyName[]): string[] {
	return families.flatMap((f) => (f.type === "histogram" ? [`${f.name}_bucket`, `${f.name}_sum`, `${f.name}_count`] : [f.name]));
}

// What a rules file or dashboard may reference today.
export function knownMetricNames(dir: string = METRICS_SOURCE_DIR): { exposed: string[]; planned: string[] } {
	return { exposed: seriesNames(readExposedFamilies(dir)), planned: seriesNames(PLANNED_METRICS) };
}

// Series names in Prometheus text exposition (a live /metrics scrape): the
// integrator can check knownMetricNames() against it.
export function metricNamesInExposition(text: string): string[] {
	const names = new Set<string>();
	for (const line of text.split("\n")) {
		const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{|\s)/.exec(line);
		if (m) names.add(m[1] as string);
	}
	return [...names].sort();
}

const PROMQL_KEYWORDS = new Set([
	"and",
	"or",
	"unless",
	"bool",
	"offset",
	"by",
	"without",
	"on",
	"ignoring",
	"group_left",
	"group_right",
	"inf",
	"nan",
	"atan2",
]);

// Metric names a PromQL expression selects. A minimal reading, enough for the
// expressions in ops/: strings, label matchers, ranges, offsets, Grafana
// variables and grouping clauses are dropped; an identifier followed by "(" is a function.
export function metricNamesInPromQL(expr: string): string[] {
	const stripped = expr
		.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, " ")
		.replace(/\{[^}]*\}/g, " ")
		.replace(/\[[^\]]*\]/g, " ")
		.replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, " ")
		.replace(/\boffset\s+-?(\d+[a-z]+)+/gi, " ")
		.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
		.replace(/(^|[^A-Za-z0-9_:.])\d+(\.\d+)?([eE][+-]?\d+)?/g, "$1 ");
	const names = new Set<string>();
	for (const m of stripped.matchAll(/(?<![A-Za-z0-9_:])([A-Za-z_:][A-Za-z0-9_:]*)(?![A-Za-z0-9_:])(\s*\()?/g)) {
		const [, name, call] = m;
		if (call || PROMQL_KEYWORDS.has((name as string).toLowerCase())) continue;
		names.add(name as string);
	}
	return [...names].sort();
}

export interface AlertRule {
	alert: string;
	expr: string;
	for?: string;
	labels: Record<string, string>;
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const unquote = (v: string) => v.trim().replace(/^(['"])(.*)\1$/, "$2");

// The alerting rules of a Prometheus rules file. Not a YAML parser: it reads
// the layout ops/prometheus/alerts.yml uses (`- alert:` items with `expr:`
// inline or as a `|`/`>` block, `for:`, and a flat `labels:` map).
export function alertsInRulesFile(text: string): AlertRule[] {
	const lines = text.split("\n");
	const rules: AlertRule[] = [];
	let current: AlertRule | null = null;
	let itemIndent = 0;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i] as string;
		if (/^\s*#/.test(line) || line.trim() === "") continue;
		const alert = /^(\s*)- alert:\s*(.+)$/.exec(line);
		if (alert) {
			current = { alert: unquote(alert[2] as string), expr: "", labels: {} };
			itemIndent = (alert[1] as string).length + 2;
			rules.push(current);
			continue;
		}
		if (!current) continue;
		if (indentOf(line) < itemIndent || /^\s*- /.test(line)) {
			if (indentOf(line) < itemIndent) current = null;
			continue;
		}
		const field = /^\s*(expr|for|labels):\s*(.*)$/.exec(line);
		if (!field || indentOf(line) !== itemIndent) continue;
		const [, key, rest] = field as unknown as [string, string, string];
		if (key === "for") current.for = unquote(rest);
		else if (key === "expr") {
			if (/^[|>][-+]?$/.test(rest.trim())) {
				const block: string[] = [];
				while (i + 1 < lines.length && ((lines[i + 1] as string).trim() === "" || indentOf(lines[i + 1] as string) > itemIndent))
					block.push((lines[++i] as string).trim());
				current.expr = block.join(rest.trim().startsWith(">") ? " " : "\n").trim();
			} else current.expr = unquote(rest);
		} else {
			while (i + 1 < lines.length && indentOf(lines[i + 1] as string) > itemIndent && (lines[i + 1] as string).trim() !== "") {
				const kv = /^\s*([A-Za-z_][A-Za-z0-9_]*):\s*(.*)$/.exec(lines[++i] as string);
				if (kv) current.labels[kv[1] as string] = unquote(kv[2] as string);
			}
		}
	}
	return rules;
}

// Every "expr" string anywhere in a Grafana dashboard (panels, rows' nested
// panels, targets).
export function exprsInDashboard(node: unknown): string[] {
	if (Array.isArray(node)) return node.flatMap(exprsInDashboard);
	if (node === null || typeof node !== "object") return [];
	return Object.entries(node as Record<string, unknown>).flatMap(([key, value]) =>
		key === "expr" && typeof value === "string" ? [value] : exprsInDashboard(value),
	);
}

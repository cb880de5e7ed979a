import * as z from "../../zod/mini";

// Alert rules as pure evaluation over a series of metric samples. The caller
// takes one sample per evaluation (cron tick) and keeps at least the longest
// window plus one sample of history; rules look at the series, nothing else.

// A cumulative latency histogram in milliseconds, as /metrics keeps it:
// buckets ascending by upper bound, counts cumulative, +Inf is `count`.
export interface LatencyHistogram {
	buckets: readonly { le: number; count: number }[];
	count: number;
}

export interface PausedDestination {
	id: string;
	name: string;
	// e.g. "breaker" or "operator"; shown in the alert.
	reason?: string;
}

export interface MetricsSample {
	// Epoch milliseconds.
	at: number;
	// Accepted events not yet settled (the /metrics gauge webhook_backlog_events).
	backlog: number;
	// Cumulative counters, as /metrics exposes them (resets are tolerated):
	// events settled (processed + unhandled + dead-lettered) and, of those, failed.
	settled_total: number;
	failed_total: number;
	// Dead letters ever recorded.
	dead_letters_total: number;
	// Cumulative ack latency; null when it could not be read.
	ack: LatencyHistogram | null;
	paused_destinations: readonly PausedDestination[];
	// Cumulative ingest rejections whose reason is a deployment problem
	// (CONFIG_REFUSAL_REASONS), by reason; absent in samples taken before it.
	config_refusals?: Readonly<Record<string, number>>;
}

// Error codes that mean the deployment, not the sender, is wrong: a secret
// holding a published dev value, or a var that does not parse.
export const CONFIG_REFUSAL_REASONS = ["insecure_secret", "config_invalid"] as const;

export const RULE_IDS = [
	"backlog_high",
	"failure_rate_high",
	"ack_p95_high",
	"dead_letters_new",
	"destination_paused",
	"insecure_config",
] as const;
export type RuleId = (typeof RULE_IDS)[number];

const MINUTES_5 = 5 * 60_000;
const windowMs = z._default(z.int().check(z.positive()), MINUTES_5);
const enabled = z._default(z.boolean(), true);

// Thresholds and windows; every field has the seed's default, so {} is the
// default configuration and operators override only what they change.
export const rulesConfigSchema = z.strictObject({
	backlog_high: z.prefault(
		z.strictObject({ enabled, threshold: z._default(z.number().check(z.nonnegative()), 100), for_ms: windowMs }),
		{},
	),
	failure_rate_high: z.prefault(
		z.strictObject({
			enabled,
			threshold: z._default(z.number().check(z.gte(0), z.lte(1)), 0.05),
			window_ms: windowMs,
			min_settled: z._default(z.int().check(z.nonnegative()), 20),
		}),
		{},
	),
	ack_p95_high: z.prefault(
		z.strictObject({
			enabled,
			threshold_ms: z._default(z.number().check(z.positive()), 100),
			quantile: z._default(z.number().check(z.gt(0), z.lt(1)), 0.95),
			window_ms: windowMs,
		}),
		{},
	),
	dead_letters_new: z.prefault(z.strictObject({ enabled }), {}),
	destination_paused: z.prefault(z.strictObject({ enabled }), {}),
	insecure_config: z.prefault(z.strictObject({ enabled }), {}),
});

export type RulesConfigInput = z.input<typeof rulesConfigSchema>;
export type RulesConfig = z.output<typeof rulesConfigSchema>;
export const DEFAULT_RULES: RulesConfig = rulesConfigSchema.parse({});

export type RuleStatus = "firing" | "ok" | "no_data";
export type Unit = "events" | "ratio" | "ms" | "count";

export interface RuleResult {
	// The rule id, or rule:instance for a rule that fires per thing (a destination).
	key: string;
	rule: RuleId;
	// no_data: the series cannot say; the alert state is left as it is.
	status: RuleStatus;
	value: number | null;
	threshold: number;
	unit: Unit;
	summary: string;
}

export function formatValue(value: number | null, unit: Unit): string {
	if (value === null) return "n/a";
	if (unit === "ratio") return `${(value * 100).toFixed(1)} %`;
	if (unit === "ms") return `${Math.round(value)} ms`;
	return String(Math.round(value * 100) / 100);
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

// Prometheus' increase() without extrapolation: the sum of rises between
// consecutive samples; a drop is a counter reset, after which the new value
// counts as the rise.
function increase(samples: readonly MetricsSample[], value: (s: MetricsSample) => number): number {
	let total = 0;
	for (let i = 1; i < samples.length; i++) {
		const prev = value(samples[i - 1] as MetricsSample);
		const cur = value(samples[i] as MetricsSample);
		total += cur >= prev ? cur - prev : cur;
	}
	return total;
}

// The samples covering the trailing window: from the last one at or before
// (end − window) — the window's baseline — to the end. With a shorter history,
// all of it.
function trailing(series: readonly MetricsSample[], window: number): readonly MetricsSample[] {
	const end = (series.at(-1) as MetricsSample).at;
	let start = 0;
	for (let i = 0; i < series.length; i++) if ((series[i] as MetricsSample).at <= end - window) start = i;
	return series.slice(start);
}

// histogram_quantile over per-bucket increases: linear interpolation inside
// the bucket holding the rank; in +Inf, the highest finite bound.
export function histogramQuantile(q: number, buckets: readonly { le: number; count: number }[], count: number): number | null {
	if (count <= 0) return null;
	const rank = q * count;
	let lower = 0;
	let below = 0;
	for (const b of buckets) {
		if (b.count >= rank) {
			const inBucket = b.count - below;
			return inBucket <= 0 ? b.le : lower + (b.le - lower) * ((rank - below) / inBucket);
		}
		lower = b.le;
		below = b.count;
	}
	return buckets.length ? lower : null;
}

// The ack histogram of the window: bucket-wise increase from the baseline.
function windowHistogram(samples: readonly MetricsSample[]): LatencyHistogram | null {
	const last = samples.at(-1)?.ack;
	if (!last || samples.some((s) => s.ack === null)) return null;
	const bucketIncrease = (le: number) => increase(samples, (s) => s.ack?.buckets.find((b) => b.le === le)?.count ?? 0);
	return {
		buckets: last.buckets.map((b) => ({ le: b.le, count: bucketIncrease(b.le) })),
		count: increase(samples, (s) => s.ack?.count ?? 0),
	};
}

type Rules = RulesConfig;

function backlogHigh(series: readonly MetricsSample[], c: Rules["backlog_high"]): RuleResult {
	const base = { key: "backlog_high", rule: "backlog_high" as const, threshold: c.threshold, unit: "events" as const };
	const last = series.at(-1);
	if (!last) return { ...base, status: "no_data", value: null, summary: "no backlog samples" };
	// The run of above-threshold samples that ends with the latest one.
	let runStart = series.length;
	while (runStart > 0 && (series[runStart - 1] as MetricsSample).backlog > c.threshold) runStart--;
	const since = runStart < series.length ? (series[runStart] as MetricsSample).at : null;
	const firing = since !== null && since <= last.at - c.for_ms;
	return {
		...base,
		status: firing ? "firing" : "ok",
		value: last.backlog,
		summary: firing
			? `Backlog ${last.backlog} events, above ${c.threshold} for ${minutes(last.at - (since as number))}`
			: `Backlog ${last.backlog} events (alerts above ${c.threshold} for ${minutes(c.for_ms)})`,
	};
}

function failureRateHigh(series: readonly MetricsSample[], c: Rules["failure_rate_high"]): RuleResult {
	const base = { key: "failure_rate_high", rule: "failure_rate_high" as const, threshold: c.threshold, unit: "ratio" as const };
	if (series.length < 2) return { ...base, status: "no_data", value: null, summary: "not enough samples for a failure rate" };
	const window = trailing(series, c.window_ms);
	const settled = increase(window, (s) => s.settled_total);
	const failed = increase(window, (s) => s.failed_total);
	const rate = settled > 0 ? Math.min(1, failed / settled) : null;
	const span = minutes(c.window_ms);
	if (settled < c.min_settled) {
		return {
			...base,
			status: "ok",
			value: rate,
			summary: `${settled} events settled in ${span}, fewer than the ${c.min_settled} a failure rate needs`,
		};
	}
	const firing = (rate as number) > c.threshold;
	return {
		...base,
		status: firing ? "firing" : "ok",
		value: rate,
		summary: `${failed} of ${settled} events failed in the last ${span} (${formatValue(rate, "ratio")}, threshold ${formatValue(c.threshold, "ratio")})`,
	};
}

function ackP95High(series: readonly MetricsSample[], c: Rules["ack_p95_high"]): RuleResult {
	const base = { key: "ack_p95_high", rule: "ack_p95_high" as const, threshold: c.threshold_ms, unit: "ms" as const };
	const pct = `p${Math.round(c.quantile * 100)}`;
	if (series.length < 2) return { ...base, status: "no_data", value: null, summary: "not enough samples for ack latency" };
	const h = windowHistogram(trailing(series, c.window_ms));
	if (!h) return { ...base, status: "no_data", value: null, summary: "ack latency histogram unavailable" };
	const value = histogramQuantile(c.quantile, h.buckets, h.count);
	if (value === null) return { ...base, status: "ok", value: null, summary: `No ingest requests in the last ${minutes(c.window_ms)}` };
	const firing = value > c.threshold_ms;
	return {
		...base,
		status: firing ? "firing" : "ok",
		value,
		summary: `Ack latency ${pct} ${formatValue(value, "ms")} over the last ${minutes(c.window_ms)} (threshold ${formatValue(c.threshold_ms, "ms")}, ${h.count} requests)`,
	};
}

function deadLettersNew(series: readonly MetricsSample[]): RuleResult {
	const base = { key: "dead_letters_new", rule: "dead_letters_new" as const, threshold: 0, unit: "count" as const };
	if (series.length < 2) return { ...base, status: "no_data", value: null, summary: "not enough samples for new dead letters" };
	const added = increase(series.slice(-2), (s) => s.dead_letters_total);
	return {
		...base,
		status: added > 0 ? "firing" : "ok",
		value: added,
		summary:
			added > 0
				? `${added} new dead letter${added === 1 ? "" : "s"} since the last evaluation`
				: "No new dead letters since the last evaluation",
	};
}

function destinationsPaused(series: readonly MetricsSample[]): RuleResult[] {
	const base = { rule: "destination_paused" as const, threshold: 0, unit: "count" as const };
	const last = series.at(-1);
	if (!last) return [{ ...base, key: "destination_paused", status: "no_data", value: null, summary: "no samples" }];
	const paused = last.paused_destinations.map(
		(d): RuleResult => ({
			...base,
			key: `destination_paused:${d.id}`,
			status: "firing",
			value: 1,
			summary: `Destination "${d.name}" (${d.id}) is paused${d.reason ? ` (${d.reason})` : ""}`,
		}),
	);
	return [
		{ ...base, key: "destination_paused", status: "ok", value: paused.length, summary: `${paused.length} destination(s) paused` },
		...paused,
	];
}

const REFUSAL_HINTS: Record<string, string> = {
	insecure_secret: "a secret holds a value published in .dev.vars.example; put a real one (npm run setup)",
	config_invalid: "a var in wrangler.toml does not parse (npm run doctor)",
};

// Webhook requests refused since the last evaluation because of the
// deployment itself; the Worker's logs name the var.
function insecureConfig(series: readonly MetricsSample[]): RuleResult {
	const base = { key: "insecure_config", rule: "insecure_config" as const, threshold: 0, unit: "count" as const };
	if (series.length < 2) return { ...base, status: "no_data", value: null, summary: "not enough samples for refused requests" };
	const window = series.slice(-2);
	const byReason = CONFIG_REFUSAL_REASONS.map(
		(reason) => [reason, increase(window, (s) => s.config_refusals?.[reason] ?? 0)] as const,
	).filter(([, n]) => n > 0);
	const total = byReason.reduce((sum, [, n]) => sum + n, 0);
	return {
		...base,
		status: total > 0 ? "firing" : "ok",
		value: total,
		summary:
			total > 0
				? `${total} webhook request${total === 1 ? "" : "s"} refused since the last evaluation: ${byReason.map(([reason, n]) => `${reason} ×${n} (${REFUSAL_HINTS[reason]})`).join("; ")}`
				: "No webhook requests refused for the deployment's configuration",
	};
}

// Every enabled rule's result at the latest sample. A rule that fires per
// destination also reports its bare key (status ok), so a key that is no
// longer reported reads as clear, and no_data on the bare key as unknown.
export function evaluateRules(series: readonly MetricsSample[], config: RulesConfig = DEFAULT_RULES): RuleResult[] {
	const sorted = [...series].sort((a, b) => a.at - b.at);
	const results: RuleResult[] = [];
	if (config.backlog_high.enabled) results.push(backlogHigh(sorted, config.backlog_high));
	if (config.failure_rate_high.enabled) results.push(failureRateHigh(sorted, config.failure_rate_high));
	if (config.ack_p95_high.enabled) results.push(ackP95High(sorted, config.ack_p95_high));
	if (config.dead_letters_new.enabled) results.push(deadLettersNew(sorted));
	if (config.destination_paused.enabled) results.push(...destinationsPaused(sorted));
	if (config.insecure_config.enabled) results.push(insecureConfig(sorted));
	return results;
}

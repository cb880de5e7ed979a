import { wildcardMatch } from "./filter";
import type { PayloadFormat } from "./schema";

// What the forwarder has for one event: the queue message as ingest wrote it
// (the envelope as sent, where it came from, when it arrived). Structural, so
// the consumer's parsed message fits without this module importing it.
export interface ForwardedEvent {
	event: {
		event_id: string;
		event_type: string;
		timestamp: string;
		user_id?: string;
		metadata?: Record<string, unknown>;
		[extra: string]: unknown;
	};
	source: string;
	// Epoch milliseconds.
	received_at: number;
}

// format "event": the envelope exactly as sent (unknown top-level fields
// kept), plus the ingest source and the arrival time as ISO 8601. These two
// are the pipeline's: a sender field with the same name is overwritten.
export type EventPayload = ForwardedEvent["event"] & { source: string; received_at: string };

// format "dashboard": one data point per event.
export interface DashboardPayload {
	event_timestamp: string;
	metric_name: string;
	metric_value: number;
	dimensions: Record<string, string>;
}

export function eventPayload(message: ForwardedEvent): EventPayload {
	return { ...message.event, source: message.source, received_at: new Date(message.received_at).toISOString() };
}

// Which metadata number is an event's value, by event type (first match).
// Money is never invented: a payment without a numeric amount is worth 0.
// Usage without a quantity counts 1, as the usage_tracked handler does.
export interface MetricValueRule {
	event_type: string;
	field: string;
	missing: number;
}

export const METRIC_VALUE_RULES: readonly MetricValueRule[] = [
	{ event_type: "subscription_*", field: "amount", missing: 0 },
	{ event_type: "payment_*", field: "amount", missing: 0 },
	{ event_type: "usage_*", field: "quantity", missing: 1 },
];

// Flat string fields left out of dimensions by default: personal data that
// does not belong on a dashboard (and is unbounded in cardinality).
export const DEFAULT_EXCLUDED_DIMENSIONS: readonly string[] = ["email", "phone", "ip", "ip_address"];

export interface DashboardOptions {
	rules?: readonly MetricValueRule[];
	excludeDimensions?: readonly string[];
}

export function metricValue(
	eventType: string,
	metadata: Record<string, unknown> | undefined,
	rules: readonly MetricValueRule[] = METRIC_VALUE_RULES,
): number {
	const rule = rules.find((r) => wildcardMatch(r.event_type, eventType));
	if (!rule) return 1;
	const value = metadata?.[rule.field];
	return typeof value === "number" && Number.isFinite(value) ? value : rule.missing;
}

// The event's time as ISO 8601 UTC; the arrival time if it does not parse
// (ingest validated it, so that is a stored event from an older schema).
function isoTimestamp(message: ForwardedEvent): string {
	const ms = Date.parse(message.event.timestamp);
	return new Date(Number.isNaN(ms) ? message.received_at : ms).toISOString();
}

// Dimensions: user_id, then every flat string field of metadata (sorted by
// name), then the ingest source as `ingest_source`. `source` is the event's
// own metadata.source (e.g. a signup's acquisition channel, what the seed's
// dashboards group by), not the sender.
export function dashboardPayload(message: ForwardedEvent, options: DashboardOptions = {}): DashboardPayload {
	const rules = options.rules ?? METRIC_VALUE_RULES;
	const excluded = new Set(options.excludeDimensions ?? DEFAULT_EXCLUDED_DIMENSIONS);
	const { event } = message;
	const dimensions: Record<string, string> = {};
	if (typeof event.user_id === "string") dimensions.user_id = event.user_id;
	const metadata = event.metadata ?? {};
	for (const key of Object.keys(metadata).sort()) {
		const value = metadata[key];
		if (typeof value === "string" && !excluded.has(key) && !(key in dimensions)) dimensions[key] = value;
	}
	dimensions.ingest_source = message.source;
	return {
		event_timestamp: isoTimestamp(message),
		metric_name: event.event_type,
		metric_value: metricValue(event.event_type, event.metadata, rules),
		dimensions,
	};
}

export function payloadFor(format: PayloadFormat, message: ForwardedEvent, options?: DashboardOptions): EventPayload | DashboardPayload {
	return format === "dashboard" ? dashboardPayload(message, options) : eventPayload(message);
}

// The exact body bytes to sign and send.
export const payloadBody = (format: PayloadFormat, message: ForwardedEvent, options?: DashboardOptions): string =>
	JSON.stringify(payloadFor(format, message, options));

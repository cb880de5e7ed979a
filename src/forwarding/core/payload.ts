import { wildcardMatch } from "./filter";
import type { PayloadFormat } from "./schema";

// What the forwarder has for one stored event. Structural, so the
// forwarding module's stored-row reader fits without this module importing it.
//  - event: the canonical envelope (a direct event as sent; a provider
//    delivery as its source's mapping makes it, with provider_type), or null
//    when the provider's type has no mapping (only `raw` can send it);
//  - raw: the body exactly as the sender sent it, and its content type.
export interface ForwardedEvent {
	event: {
		event_id: string;
		event_type: string;
		timestamp: string;
		user_id?: string;
		metadata?: Record<string, unknown>;
		provider_type?: string;
		[extra: string]: unknown;
	} | null;
	source: string;
	// Epoch milliseconds.
	received_at: number;
	raw: { body: string; content_type: string };
}

type CanonicalEvent = NonNullable<ForwardedEvent["event"]>;

// format "event": the canonical envelope (unknown top-level fields of a
// direct event kept), plus the ingest source and the arrival time as ISO
// 8601. These two are the pipeline's: a sender field with the same name is
// overwritten.
export type EventPayload = CanonicalEvent & { source: string; received_at: string };

// format "dashboard": one data point per event.
export interface DashboardPayload {
	event_timestamp: string;
	metric_name: string;
	metric_value: number;
	dimensions: Record<string, string>;
}

// An `event` or `dashboard` body needs a canonical event; a provider type
// with no mapping has none. The delivery fails with this reason (it never
// fails its batch); fan-out sends such events only to `raw` destinations.
export class NoCanonicalEventError extends Error {
	override name = "NoCanonicalEventError";
}

function canonicalOf(message: ForwardedEvent, format: PayloadFormat): CanonicalEvent {
	if (message.event) return message.event;
	throw new NoCanonicalEventError(`format "${format}" needs a canonical event; this event's type has no mapping (use format "raw")`);
}

export function eventPayload(message: ForwardedEvent): EventPayload {
	return { ...canonicalOf(message, "event"), source: message.source, received_at: new Date(message.received_at).toISOString() };
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
function isoTimestamp(event: CanonicalEvent, message: ForwardedEvent): string {
	const ms = Date.parse(event.timestamp);
	return new Date(Number.isNaN(ms) ? message.received_at : ms).toISOString();
}

// Dimensions: user_id, then every flat string field of metadata (sorted by
// name), then the ingest source as `ingest_source`. `source` is the event's
// own metadata.source (e.g. a signup's acquisition channel, what the seed's
// dashboards group by), not the sender.
export function dashboardPayload(message: ForwardedEvent, options: DashboardOptions = {}): DashboardPayload {
	const rules = options.rules ?? METRIC_VALUE_RULES;
	const excluded = new Set(options.excludeDimensions ?? DEFAULT_EXCLUDED_DIMENSIONS);
	const event = canonicalOf(message, "dashboard");
	const dimensions: Record<string, string> = {};
	if (typeof event.user_id === "string") dimensions.user_id = event.user_id;
	const metadata = event.metadata ?? {};
	for (const key of Object.keys(metadata).sort()) {
		const value = metadata[key];
		if (typeof value === "string" && !excluded.has(key) && !(key in dimensions)) dimensions[key] = value;
	}
	dimensions.ingest_source = message.source;
	return {
		event_timestamp: isoTimestamp(event, message),
		metric_name: event.event_type,
		metric_value: metricValue(event.event_type, event.metadata, rules),
		dimensions,
	};
}

export interface OutboundBody {
	// The exact bytes to sign and send.
	body: string;
	contentType: string;
}

// What a destination of this format is sent: `event` and `dashboard` are
// JSON we build; `raw` is the sender's own body and content type, unchanged.
export function outboundBody(format: PayloadFormat, message: ForwardedEvent, options?: DashboardOptions): OutboundBody {
	if (format === "raw") return { body: message.raw.body, contentType: message.raw.content_type };
	const payload = format === "dashboard" ? dashboardPayload(message, options) : eventPayload(message);
	return { body: JSON.stringify(payload), contentType: "application/json" };
}

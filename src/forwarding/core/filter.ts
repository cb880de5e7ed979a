// Which events a destination receives. Only the filters: whether the
// destination is enabled, or paused by its breaker, is the caller's check.

export interface DestinationFilter {
	event_types: readonly string[];
	// Absent: every source.
	sources?: readonly string[];
}

export interface EventKey {
	// The canonical type (a provider event's mapped type, or the provider's
	// own type when it has no mapping).
	event_type: string;
	// A provider event's own type (customer.created, push…); absent or null
	// for direct events.
	provider_type?: string | null;
	source: string;
}

// `*` matches any run of characters (none included); everything else matches
// itself, case-sensitively. Greedy matching that backtracks only to the last
// star: at worst pattern × value steps, no regular expression, so nothing to
// escape and no catastrophic backtracking.
export function wildcardMatch(pattern: string, value: string): boolean {
	let p = 0;
	let v = 0;
	let star = -1;
	let resume = 0;
	while (v < value.length) {
		if (p < pattern.length && pattern[p] !== "*" && pattern[p] === value[v]) {
			p++;
			v++;
		} else if (p < pattern.length && pattern[p] === "*") {
			star = p++;
			resume = v;
		} else if (star !== -1) {
			p = star + 1;
			v = ++resume;
		} else {
			return false;
		}
	}
	while (p < pattern.length && pattern[p] === "*") p++;
	return p === pattern.length;
}

export const matchesAny = (patterns: readonly string[], value: string) => patterns.some((p) => wildcardMatch(p, value));

// event_types match the canonical type or the provider's own type alike, so
// `user_signup` and `customer.*` both select a Stripe customer.created.
export function matches(destination: DestinationFilter, event: EventKey): boolean {
	const typeMatches =
		matchesAny(destination.event_types, event.event_type) ||
		(typeof event.provider_type === "string" && matchesAny(destination.event_types, event.provider_type));
	return typeMatches && (destination.sources === undefined || matchesAny(destination.sources, event.source));
}

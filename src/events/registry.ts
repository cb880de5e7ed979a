import type { AnyTableSpec, EventType } from "./contract";
import { paymentFailed } from "./types/payment-failed";
import { subscriptionCreated } from "./types/subscription-created";
import { usageTracked } from "./types/usage-tracked";
import { userSignup } from "./types/user-signup";

// event_type → its module. A new event type is one new module in types/ (plus
// the migration for its table) and one entry here: the consumer, the provider
// mappings and the docs read it from here (docs/development.md, "Adding an
// event type"). Types without a module are stored with status "unhandled",
// not failed.
const eventTypes: readonly EventType[] = [userSignup, subscriptionCreated, usageTracked, paymentFailed];

export const registry: ReadonlyMap<string, EventType> = new Map(eventTypes.map((t) => [t.type, t]));

// The registered types' names, in registry order: what a provider mapping
// rule may target (sources/mapping-rules.ts), so no second list can drift.
export const eventTypeNames = eventTypes.map((t) => t.type) as [string, ...string[]];

export function eventTypeFor(eventType: string): EventType | undefined {
	return registry.get(eventType);
}

// Every table an event type writes, once each, in registry order: what the
// consumer writes for a batch.
export function derivedTables(types: Iterable<EventType> = registry.values()): AnyTableSpec[] {
	const byName = new Map<string, AnyTableSpec>();
	for (const type of types) {
		for (const spec of Object.values(type.tables)) {
			const seen = byName.get(spec.table);
			if (seen && seen !== spec) throw new Error(`Two specs for table ${spec.table}: share one TableSpec object`);
			byName.set(spec.table, spec);
		}
	}
	return [...byName.values()];
}

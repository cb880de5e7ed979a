import { subscriptionCreated } from "./subscription-created";
import type { EventHandler } from "./types";
import { usageTracked } from "./usage-tracked";
import { userSignup } from "./user-signup";

// event_type → handler. A new event type is one new module plus one line here.
// Types without a handler are stored with status "unhandled", not failed.
const handlers: readonly EventHandler[] = [userSignup, subscriptionCreated, usageTracked];

export const registry: ReadonlyMap<string, EventHandler> = new Map(handlers.map((h) => [h.type, h]));

export function handlerFor(eventType: string): EventHandler | undefined {
	return registry.get(eventType);
}

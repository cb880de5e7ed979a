import type { z } from "zod";
import type { EventEnvelope } from "../ingest/envelope";
import { fieldIssues } from "../ingest/envelope";

// Rows a handler derives from one event. Plain data: the consumer turns them
// into SQL, so handlers stay pure and testable without a database.
export interface UserRow {
	user_id: string;
	email: string | null;
	plan: string | null;
	source: string | null;
	signed_up_at: number;
	updated_at: number;
	last_event_id: string;
}

// What a subscription event says, shared by the current-state row and the
// history row.
export interface SubscriptionFields {
	subscription_id: string;
	user_id: string | null;
	plan: string;
	amount: number;
	currency: string;
	interval: string;
	monthly_amount: number;
	status: string;
}

export interface SubscriptionRow extends SubscriptionFields {
	updated_at: number;
	last_event_id: string;
}

export interface SubscriptionChangeRow extends SubscriptionFields {
	event_id: string;
	occurred_at: number;
}

export interface UsageRow {
	event_id: string;
	user_id: string | null;
	feature: string;
	quantity: number;
	occurred_at: number;
}

export interface DerivedRows {
	users?: UserRow[];
	subscriptions?: SubscriptionRow[];
	subscription_changes?: SubscriptionChangeRow[];
	usage_records?: UsageRow[];
}

// A failure that no retry can fix (the event's own data is wrong): it goes to
// the dead-letter path at once, with this reason.
export class PermanentError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
		this.name = "PermanentError";
	}
}

// A failure that may pass on a later attempt (a database hiccup, say).
export class TransientError extends Error {
	override name = "TransientError";
}

export interface EventHandler {
	readonly type: string;
	derive(event: EventEnvelope, occurredAt: number): DerivedRows;
}

// Parses a handler's own slice of the event, or fails permanently naming
// every bad field.
export function parseEventData<S extends z.ZodType>(schema: S, input: unknown, eventType: string): z.infer<S> {
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const fields = fieldIssues(result.error);
	throw new PermanentError(
		"invalid_event_data",
		`${eventType}: ${fields.map((f) => `${f.field} ${f.message}`).join("; ")}`,
	);
}

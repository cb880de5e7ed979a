import * as z from "../../zod/mini";
import { newerThanStored, pickNewer } from "../conflict";
import { defineEventType, parseEventData, type TableSpec } from "../contract";

// user_signup: one row per user, the newest signup event's details win and
// the earliest signup time is kept.
const signupSchema = z.object({
	user_id: z.string(),
	metadata: z._default(
		z.object({
			email: z.optional(z.email()),
			plan: z.optional(z.string().check(z.minLength(1))),
			source: z.optional(z.string().check(z.minLength(1))),
		}),
		{},
	),
});

export interface UserRow {
	user_id: string;
	email: string | null;
	plan: string | null;
	source: string | null;
	signed_up_at: number;
	updated_at: number;
	last_event_id: string;
}

export const usersTable: TableSpec<UserRow> = {
	table: "users",
	columns: ["user_id", "email", "plan", "source", "signed_up_at", "updated_at", "last_event_id"],
	// Only when something changes: a redelivery, or an older signup that
	// moves nothing back, writes no row (D1 bills a rewritten row the same).
	conflict: (replay) => `ON CONFLICT (user_id) DO UPDATE SET
	${pickNewer("users", ["email", "plan", "source", "updated_at", "last_event_id"], replay)},
	signed_up_at = min(users.signed_up_at, excluded.signed_up_at)
	WHERE ${newerThanStored("users", replay)} OR excluded.signed_up_at < users.signed_up_at`,
};

export const userSignup = defineEventType({
	type: "user_signup",
	schema: signupSchema,
	tables: { users: usersTable },
	derive(event, occurredAt) {
		const { user_id, metadata } = parseEventData(signupSchema, event, "user_signup");
		return {
			users: [
				{
					user_id,
					email: metadata.email ?? null,
					plan: metadata.plan ?? null,
					source: metadata.source ?? null,
					signed_up_at: occurredAt,
					updated_at: occurredAt,
					last_event_id: event.event_id,
				},
			],
		};
	},
});

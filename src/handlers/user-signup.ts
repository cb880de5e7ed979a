import { z } from "zod";
import { type EventHandler, parseEventData } from "./types";

const signupSchema = z.object({
	user_id: z.string(),
	metadata: z
		.object({
			email: z.email().optional(),
			plan: z.string().min(1).optional(),
			source: z.string().min(1).optional(),
		})
		.default({}),
});

export const userSignup: EventHandler = {
	type: "user_signup",
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
};

import { describe, expect, it } from "vitest";
import { PermanentError } from "../contract";
import { userSignup } from "./user-signup";

const at = Date.parse("2026-11-27T10:00:00Z");
const event = (over: Record<string, unknown> = {}) => ({
	event_id: "evt_s1",
	event_type: "user_signup",
	timestamp: "2026-11-27T10:00:00Z",
	user_id: "user_1",
	metadata: { email: "ada@example.com", plan: "free", source: "google" },
	...over,
});

describe("user_signup handler", () => {
	it("derives the user row from the event", () => {
		expect(userSignup.derive(event(), at)).toEqual({
			users: [
				{
					user_id: "user_1",
					email: "ada@example.com",
					plan: "free",
					source: "google",
					signed_up_at: at,
					updated_at: at,
					last_event_id: "evt_s1",
				},
			],
		});
	});

	it("accepts a signup without metadata", () => {
		expect(userSignup.derive(event({ metadata: undefined }), at).users?.[0]?.email).toBeNull();
	});

	it("fails permanently without a user_id or with a malformed email", () => {
		expect(() => userSignup.derive(event({ user_id: undefined }), at)).toThrow(PermanentError);
		expect(() => userSignup.derive(event({ metadata: { email: "not-an-email" } }), at)).toThrow(/metadata\.email/);
	});
});

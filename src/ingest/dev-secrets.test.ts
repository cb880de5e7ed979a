import { describe, expect, it } from "vitest";
import { secretVarsFor } from "./dev-secrets";

describe("the secrets a webhook path verifies with", () => {
	const env = ["WEBHOOK_SECRET", "TWILIO_AUTH_TOKEN", "DISCORD_PUBLIC_KEY", "DISCORDIA_SECRET", "STRIPE_WEBHOOK_SECRET"];

	it("our envelope routes use WEBHOOK_SECRET", () => {
		expect(secretVarsFor("/webhook/events", undefined, env)).toEqual(["WEBHOOK_SECRET"]);
		expect(secretVarsFor("/webhook/batch/", undefined, env)).toEqual(["WEBHOOK_SECRET"]);
	});

	it("a declared source uses its secretVars, rotation slot included", () => {
		expect(secretVarsFor("/webhook/stripe", undefined, env)).toEqual(["STRIPE_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET_PREVIOUS"]);
		const sources = [{ name: "acme", kind: "github", secretVars: ["ACME_KEY"] }];
		expect(secretVarsFor("/webhook/acme", sources, env)).toEqual(["ACME_KEY"]);
	});

	it("a preset reached by its kind, with no SOURCES entry, uses its catalog var and rotation slot", () => {
		expect(secretVarsFor("/webhook/twilio", undefined, env)).toEqual(["TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN_PREVIOUS"]);
		expect(secretVarsFor("/webhook/discord", undefined, env)).toEqual(["DISCORD_PUBLIC_KEY", "DISCORD_PUBLIC_KEY_PREVIOUS"]);
	});

	it("a name no source or preset has uses every <NAME>_ var, and no other", () => {
		expect(secretVarsFor("/webhook/discordia", undefined, env)).toEqual(["DISCORDIA_SECRET"]);
	});

	it("an invalid SOURCES list names nothing (the route answers its own 503)", () => {
		expect(secretVarsFor("/webhook/stripe", "{not json", env)).toEqual([]);
	});
});

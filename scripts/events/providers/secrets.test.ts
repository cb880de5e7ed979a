import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProviderSecrets, parseDevVars, resolveProviderSecrets, SECRET_VARS } from "./secrets";

const exampleText = readFileSync(path.resolve(import.meta.dirname, "../../../.dev.vars.example"), "utf8");
const scratch = mkdtempSync(path.join(tmpdir(), "provider-secrets-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("provider secrets", () => {
	it("names the secret var of each default source", () => {
		expect(SECRET_VARS).toMatchObject({
			stripe: "STRIPE_WEBHOOK_SECRET",
			github: "GITHUB_WEBHOOK_SECRET",
			shopify: "SHOPIFY_WEBHOOK_SECRET",
			slack: "SLACK_SIGNING_SECRET",
			standard: "STANDARD_WEBHOOK_SECRET",
			paddle: "PADDLE_WEBHOOK_SECRET",
			twilio: "TWILIO_AUTH_TOKEN",
			discord: "DISCORD_PUBLIC_KEY",
		});
		expect(Object.keys(SECRET_VARS).length).toBeGreaterThanOrEqual(30);
		// The committed dev values cover every one of them.
		const example = parseDevVars(exampleText);
		for (const name of Object.values(SECRET_VARS)) expect(example[name], name).toBeTruthy();
	});

	it("reads .dev.vars the way wrangler does: quotes removed, comments and blank lines skipped", () => {
		expect(
			parseDevVars(
				[
					"# a comment",
					"",
					'A="quoted # not a comment"',
					"B='single'",
					"export C=bare # trailing comment",
					"D = spaced ",
					"not a pair",
				].join("\n"),
			),
		).toEqual({ A: "quoted # not a comment", B: "single", C: "bare", D: "spaced" });
		expect(parseDevVars(exampleText).STRIPE_WEBHOOK_SECRET).toBe("whsec_dev_stripe_secret_do_not_use_in_production");
	});

	it("prefers the environment, then .dev.vars, then the committed dev values", () => {
		const example = parseDevVars(exampleText);
		const devVars = { GITHUB_WEBHOOK_SECRET: "from-dev-vars", SLACK_SIGNING_SECRET: "from-dev-vars" };
		const env = { SLACK_SIGNING_SECRET: "from-env", SHOPIFY_WEBHOOK_SECRET: "  " };
		expect(resolveProviderSecrets([example, devVars, env])).toMatchObject({
			stripe: example.STRIPE_WEBHOOK_SECRET,
			github: "from-dev-vars",
			shopify: example.SHOPIFY_WEBHOOK_SECRET,
			slack: "from-env",
			standard: example.STANDARD_WEBHOOK_SECRET,
		});
	});

	it("names the variable to set when a provider has no secret anywhere", () => {
		expect(() => resolveProviderSecrets([{ STRIPE_WEBHOOK_SECRET: "x" }])).toThrow(/GITHUB_WEBHOOK_SECRET/);
	});

	it("loads a given .dev.vars file over the example", () => {
		const file = path.join(scratch, ".dev.vars");
		writeFileSync(file, 'STRIPE_WEBHOOK_SECRET="whsec_mine"\n');
		const secrets = loadProviderSecrets({ devVars: file, env: {} });
		expect(secrets.stripe).toBe("whsec_mine");
		expect(secrets.github).toBe(parseDevVars(exampleText).GITHUB_WEBHOOK_SECRET);
	});
});

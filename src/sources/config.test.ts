import { describe, expect, it } from "vitest";
import {
	configuredSources,
	DEFAULT_SOURCES,
	mappingsFor,
	parseSources,
	presetOf,
	resolveSecrets,
	type Source,
	SourceConfigError,
	sourcesJsonSchema,
	verifyOptionsFor,
	withPresetDefaults,
} from "./config";
import { PRESET_INFO, PRESET_KINDS } from "./presets";

function issuesOf(input: unknown): { field: string; message: string }[] {
	try {
		parseSources(input);
	} catch (error) {
		expect(error).toBeInstanceOf(SourceConfigError);
		return [...(error as SourceConfigError).issues];
	}
	throw new Error("expected parseSources to throw");
}

describe("DEFAULT_SOURCES", () => {
	it("declares one valid source per preset with a rotation var each", () => {
		expect(parseSources(DEFAULT_SOURCES)).toEqual(DEFAULT_SOURCES);
		expect(DEFAULT_SOURCES.map((s) => s.name)).toEqual(PRESET_KINDS);
		expect(DEFAULT_SOURCES.slice(0, 5).map((s) => [s.name, s.kind, ...s.secretVars])).toEqual([
			["stripe", "stripe", "STRIPE_WEBHOOK_SECRET", "STRIPE_WEBHOOK_SECRET_PREVIOUS"],
			["github", "github", "GITHUB_WEBHOOK_SECRET", "GITHUB_WEBHOOK_SECRET_PREVIOUS"],
			["shopify", "shopify", "SHOPIFY_WEBHOOK_SECRET", "SHOPIFY_WEBHOOK_SECRET_PREVIOUS"],
			["slack", "slack", "SLACK_SIGNING_SECRET", "SLACK_SIGNING_SECRET_PREVIOUS"],
			["standard", "standard", "STANDARD_WEBHOOK_SECRET", "STANDARD_WEBHOOK_SECRET_PREVIOUS"],
		]);
		const twilio = DEFAULT_SOURCES.find((s) => s.kind === "twilio");
		expect(twilio?.secretVars).toEqual(["TWILIO_AUTH_TOKEN", "TWILIO_AUTH_TOKEN_PREVIOUS"]);
		for (const source of DEFAULT_SOURCES) expect(source.secretVars[0]).toBe(PRESET_INFO[source.kind as keyof typeof PRESET_INFO].secretVar);
	});
});

describe("configuredSources: every preset without a SOURCES entry", () => {
	it("serves every preset when SOURCES is unset", () => {
		expect(configuredSources(undefined).map((s) => s.name)).toEqual(PRESET_KINDS);
	});

	it("keeps SOURCES first and adds the presets it does not cover", () => {
		const sources = configuredSources(JSON.stringify([{ name: "paddle-eu", kind: "paddle", secretVars: ["PADDLE_EU_WEBHOOK_SECRET"] }]));
		expect(sources[0]?.name).toBe("paddle-eu");
		expect(sources.map((s) => s.name)).toContain("paddle");
		expect(sources).toHaveLength(PRESET_KINDS.length + 1);
	});

	it("leaves out a preset's default when a declared source takes its name or reads its secret (a rename)", () => {
		const declared = parseSources([
			{ name: "clerk", kind: "clerk", secretVars: ["CLERK_WEBHOOK_SECRET"], toleranceSeconds: 60 },
			{ name: "billing", kind: "stripe", secretVars: ["STRIPE_WEBHOOK_SECRET"] },
		]);
		const names = withPresetDefaults(declared).map((s) => s.name);
		expect(names.filter((n) => n === "clerk")).toHaveLength(1);
		expect(names).toContain("billing");
		expect(names).not.toContain("stripe");
		expect(withPresetDefaults(declared).find((s) => s.name === "clerk")?.toleranceSeconds).toBe(60);
	});
});

describe("hmac sources", () => {
	const acme = {
		name: "acme",
		kind: "hmac",
		secretVars: ["ACME_WEBHOOK_SECRET"],
		hmac: {
			algorithm: "sha256",
			encoding: "hex",
			signatureHeader: "X-Acme-Signature",
			signaturePrefix: "sha256=",
			signedContent: "{timestamp}.{body}",
			timestampHeader: "X-Acme-Timestamp",
			id: { path: "id" },
			type: { header: "X-Acme-Event" },
		},
	};

	it("accepts a described scheme, and builds a preset from it that signs a timestamp", () => {
		const [source] = parseSources([acme]);
		expect(source?.kind).toBe("hmac");
		const preset = presetOf(source as Source);
		expect(preset.defaultToleranceSeconds).toBe(300);
		expect(preset.bodyDedupe).toBe(false);
		expect(presetOf(source as Source)).toBe(preset);
	});

	it("names every bad hmac field at once", () => {
		const issues = issuesOf([
			{ ...acme, hmac: { ...acme.hmac, algorithm: "md5", signedContent: "{timestamp}.{bdy}", signatureHeader: "bad header" } },
		]);
		expect(issues.map((i) => i.field)).toEqual(
			expect.arrayContaining(["[0].hmac.algorithm", "[0].hmac.signedContent", "[0].hmac.signatureHeader"]),
		);
	});

	it("needs hmac settings on an hmac source, refuses them on a named preset, and a timestamp header exactly when {timestamp} is signed", () => {
		expect(issuesOf([{ name: "a", kind: "hmac", secretVars: ["A"] }]).map((i) => i.field)).toEqual(["[0].hmac"]);
		expect(issuesOf([{ name: "a", kind: "stripe", secretVars: ["A"], hmac: acme.hmac }]).map((i) => i.field)).toEqual(["[0].hmac"]);
		const { timestampHeader: _t, ...untimed } = acme.hmac;
		expect(issuesOf([{ ...acme, hmac: untimed }]).map((i) => i.field)).toEqual(["[0].hmac.timestampHeader"]);
		expect(issuesOf([{ ...acme, hmac: { ...untimed, signedContent: "{body}" }, toleranceSeconds: 60 }]).map((i) => i.field)).toEqual([
			"[0].toleranceSeconds",
		]);
	});
});

describe("parseSources", () => {
	it("accepts a full source with tolerance, mapping overrides and a rate limit", () => {
		const input = [
			{
				name: "stripe.eu",
				kind: "stripe",
				secretVars: ["STRIPE_EU_SECRET"],
				toleranceSeconds: 600,
				rateLimit: { binding: "STRIPE_RATE_LIMIT" },
				mapping: {
					"customer.created": null,
					"checkout.session.completed": {
						type: "user_signup",
						fields: { user_id: "data.object.customer", "metadata.email": "data.object.customer_details.email" },
					},
				},
			},
		];
		expect(parseSources(input)).toEqual(input);
	});

	it("reads a JSON string (a SOURCES var) and reports bad JSON as one root issue", () => {
		expect(parseSources(JSON.stringify(DEFAULT_SOURCES))).toEqual(DEFAULT_SOURCES);
		expect(issuesOf("[{")).toEqual([{ field: "(root)", message: expect.stringContaining("not valid JSON") }]);
	});

	it("lists every bad field at once, in the error message too", () => {
		const input = [
			{ name: "Stripe!", kind: "stripe", secretVars: ["S"] },
			{ name: "ok", kind: "paypal", secretVars: ["S"] },
			{ name: "ok2", kind: "github", secretVars: ["A", "B", "C"], rateLimit: { binding: "lower_case" } },
			{ name: "ok3", kind: "slack", secretVars: ["bad-name"], extra: true },
		];
		const issues = issuesOf(input);
		expect(issues.map((i) => i.field).sort()).toEqual(
			["[0].name", "[1].kind", "[2].secretVars", "[2].rateLimit.binding", "[3].secretVars.0", "[3]"].sort(),
		);
		try {
			parseSources(input);
		} catch (error) {
			const message = (error as Error).message;
			expect(message).toMatch(/^Invalid sources config:/);
			for (const issue of issues) expect(message).toContain(`  - ${issue.field}: `);
		}
	});

	it("reports cross-field problems even beside ordinary field errors", () => {
		const issues = issuesOf([
			{ name: "direct", kind: "github", secretVars: [], rateLimit: { binding: "" } },
			{ name: "twin", kind: "github", secretVars: ["A"], toleranceSeconds: 5 },
			{ name: "twin", kind: "nope", secretVars: ["A"] },
		]);
		expect(issues.map((i) => i.field).sort()).toEqual(
			["[0].name", "[0].secretVars", "[0].rateLimit.binding", "[1].toleranceSeconds", "[2].kind", "[2].name"].sort(),
		);
	});

	it("rejects duplicate names, pointing at the later one", () => {
		const issues = issuesOf([DEFAULT_SOURCES[0], { ...DEFAULT_SOURCES[1], name: "stripe" }]);
		expect(issues).toEqual([{ field: "[1].name", message: "duplicates the name of [0]" }]);
	});

	it('rejects the reserved name "direct"', () => {
		expect(issuesOf([{ name: "direct", kind: "standard", secretVars: ["X"] }])).toEqual([
			{ field: "[0].name", message: '"direct" is reserved' },
		]);
	});

	it("needs 1 or 2 distinct secret vars unless the source is unsigned", () => {
		expect(issuesOf([{ name: "a", kind: "github", secretVars: [] }])).toMatchObject([{ field: "[0].secretVars" }]);
		expect(issuesOf([{ name: "a", kind: "github", secretVars: ["X", "X"] }])).toMatchObject([
			{ field: "[0].secretVars", message: "names the same secret twice" },
		]);
		expect(parseSources([{ name: "dev", kind: "github", secretVars: [], unsigned: true }])).toHaveLength(1);
	});

	it("refuses toleranceSeconds for kinds that sign no timestamp", () => {
		expect(issuesOf([{ name: "gh", kind: "github", secretVars: ["X"], toleranceSeconds: 60 }])).toMatchObject([
			{ field: "[0].toleranceSeconds", message: expect.stringContaining("sign no timestamp") },
		]);
	});

	it("validates mapping rules, naming the provider type and the missing canonical field", () => {
		const input = [
			{
				name: "s",
				kind: "stripe",
				secretVars: ["X"],
				mapping: { "invoice.paid": { type: "payment_failed", fields: { "metadata.currency": "data.object.currency" } } },
			},
		];
		expect(issuesOf(input).map((i) => i.field)).toEqual(["[0].mapping.invoice.paid.fields.metadata.amount"]);
	});
});

describe("sourcesJsonSchema", () => {
	it("describes the sources list for editors, with the preset kinds as an enum", () => {
		const schema = sourcesJsonSchema();
		expect(schema.type).toBe("array");
		const item = schema.items as { properties: Record<string, { enum?: string[] }>; required: string[] };
		expect(item.properties.kind?.enum).toEqual([...PRESET_KINDS, "hmac"]);
		expect(item.required).toEqual(expect.arrayContaining(["name", "kind", "secretVars"]));
		expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
	});
});

describe("caller helpers", () => {
	const stripe = DEFAULT_SOURCES[0] as Source;

	it("resolveSecrets returns the set vars in order, skipping unset and blank ones", () => {
		expect(resolveSecrets(stripe, { STRIPE_WEBHOOK_SECRET: "whsec_new\n", STRIPE_WEBHOOK_SECRET_PREVIOUS: "whsec_old" })).toEqual([
			"whsec_new",
			"whsec_old",
		]);
		expect(resolveSecrets(stripe, { STRIPE_WEBHOOK_SECRET_PREVIOUS: "whsec_old" })).toEqual(["whsec_old"]);
		expect(resolveSecrets(stripe, { STRIPE_WEBHOOK_SECRET: "  ", OTHER: "x" })).toEqual([]);
	});

	it("verifyOptionsFor uses the source's tolerance, else the preset's, and whole seconds", () => {
		expect(verifyOptionsFor(stripe, 1_767_225_600_999)).toEqual({ toleranceSeconds: 300, nowSeconds: 1_767_225_600 });
		expect(verifyOptionsFor({ ...stripe, toleranceSeconds: 30 }, 0).toleranceSeconds).toBe(30);
	});

	it("mappingsFor applies the source's overrides to the preset's table", () => {
		const custom: Source = { ...stripe, mapping: { "customer.created": null } };
		expect(Object.keys(mappingsFor(stripe))).toContain("customer.created");
		expect(Object.keys(mappingsFor(custom))).not.toContain("customer.created");
		expect(Object.keys(mappingsFor(custom))).toContain("invoice.payment_failed");
	});
});

import { Hono } from "hono";
import { DIRECT_SOURCE } from "../events/envelope";
import { sourceSnapshot } from "../metrics/client";
import { emptySourceCounts } from "../metrics/ingest-metrics";
import { configFor, webhookSecret } from "../shared/config";
import { documented } from "../shared/describe";
import { configuredSources, presetInfoOf, rateLimitBindingOf, resolveSecrets, SOURCE_KINDS } from "../sources/config";
import * as z from "../zod/mini";

const counters = z.object({
	received: z.int().check(z.describe("Events received (accepted + duplicates + rejected); control answers not included")),
	accepted: z.int(),
	duplicates: z.int(),
	control: z.int().check(z.describe("Answers that carry no event: Slack's url_verification, GitHub's ping")),
	rejected: z.record(z.string(), z.int()).check(z.describe("By the error code the sender got")),
	last_seen: z.nullable(z.string()).check(z.describe("Last request for this source, ISO 8601")),
});

export const sourceListSchema = z.object({
	data: z.array(
		z.object({
			name: z.string(),
			kind: z.enum([DIRECT_SOURCE, ...SOURCE_KINDS]).check(z.describe("The verification preset; direct is our own envelope")),
			provider: z.nullable(z.string()).check(z.describe("The provider's name (null for direct and hmac sources)")),
			url: z.string().check(z.describe("Path to point the sender at")),
			configured: z.boolean().check(z.describe("True when the route takes deliveries: a secret is set (or unsigned traffic is allowed)")),
			secret_vars: z.array(z.string()).check(z.describe("The Worker secrets it reads, in order (never their values)")),
			settings_url: z.nullable(z.string()).check(z.describe("Where the provider's webhook settings are")),
			signing: z.enum(["configured", "not_configured", "unsigned"]).check(z.describe("Whether a signing secret is set (never the secret)")),
			secrets_set: z.int().check(z.describe("How many of the source's secret vars are set (2 while rotating)")),
			rate_limit: z.nullable(z.string()).check(z.describe("The rate limiting binding that counts this source")),
			counters,
		}),
	),
});

type SourceEntry = z.infer<typeof sourceListSchema>["data"][number];

// The configured sources with their traffic, for operators and the dashboard.
export const sourcesRoutes = new Hono<{ Bindings: Env }>().get(
	"/",
	documented({
		summary: "Configured sources with their counters",
		description:
			"Every preset (served at /webhook/<preset> once its secret is set), every source in SOURCES and the built-in direct source: whether it is configured, the secret vars it reads, the provider's settings page, and received, accepted, duplicate and rejected-by-reason counts and when it was last seen.",
		tags: ["Sources"],
		responses: { 200: ["The sources", sourceListSchema] },
	}),
	async (c) => {
		const counts = await sourceSnapshot(c.env.INGEST_METRICS);
		const countersOf = (name: string) => {
			const { last_seen, ...rest } = counts.get(name) ?? emptySourceCounts();
			return { ...rest, last_seen: last_seen === null ? null : new Date(last_seen).toISOString() };
		};
		const vars = c.env as unknown as Record<string, unknown>;
		const { allowUnsigned } = configFor(c.env);
		const direct = {
			name: DIRECT_SOURCE,
			kind: DIRECT_SOURCE,
			provider: null,
			url: "/webhook/events",
			configured: Boolean(webhookSecret(c.env)) || allowUnsigned,
			secret_vars: ["WEBHOOK_SECRET"],
			settings_url: null,
			signing: webhookSecret(c.env) ? "configured" : allowUnsigned ? "unsigned" : "not_configured",
			secrets_set: webhookSecret(c.env) ? 1 : 0,
			rate_limit: null,
			counters: countersOf(DIRECT_SOURCE),
		} satisfies SourceEntry;
		const data = configuredSources(c.env.SOURCES).map((source): SourceEntry => {
			const secrets = resolveSecrets(source, vars).length;
			const info = presetInfoOf(source);
			return {
				name: source.name,
				kind: source.kind,
				provider: info?.provider ?? null,
				url: `/webhook/${source.name}`,
				configured: secrets > 0 || (source.unsigned === true && allowUnsigned),
				secret_vars: [...source.secretVars],
				settings_url: info?.settingsUrl ?? null,
				signing: secrets > 0 ? "configured" : source.unsigned ? "unsigned" : "not_configured",
				secrets_set: secrets,
				rate_limit: rateLimitBindingOf(source),
				counters: countersOf(source.name),
			};
		});
		return c.json({ data: [direct, ...data] } satisfies z.infer<typeof sourceListSchema>);
	},
);

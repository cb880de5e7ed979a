import { destinationUrlSchema } from "../forwarding/core/schema";
import { configFor } from "../shared/config";
import { secretKey } from "../shared/standard-webhooks";
import { DEFAULT_RULES, type RulesConfig, rulesConfigSchema } from "./core/rules";

// Alerting settings from vars and secrets. A channel whose secret or var is
// unset is off; one that is set but unusable is off too, and says why in
// `problems` (shown by GET /api/alerts, logged by each evaluation). Pure.

export type ChannelId = "slack" | "webhook";

export type Channel = { id: "slack"; url: string } | { id: "webhook"; url: string; secret: string };

export interface AlertingConfig {
	cooldownMs: number;
	rules: RulesConfig;
	channels: Channel[];
	problems: string[];
}

// Secrets (wrangler secret put …; .dev.vars locally), so not in the generated Env.
export interface AlertSecrets {
	ALERT_SLACK_WEBHOOK_URL?: string;
	ALERT_WEBHOOK_URL?: string;
	ALERT_WEBHOOK_SECRET?: string;
}

export type AlertVars = AlertSecrets & { ALERT_COOLDOWN_SECONDS?: string; ALERT_RULES?: string };

// ALERT_RULES as the Worker reads it (also what `npm run doctor` checks):
// unset is the default rules; a problem is pushed and the defaults used.
export function parseAlertRules(raw: string | undefined, problems: string[]): RulesConfig {
	if (raw === undefined || raw.trim() === "") return DEFAULT_RULES;
	let json: unknown;
	try {
		json = JSON.parse(raw);
	} catch {
		problems.push("ALERT_RULES is not JSON; using the default rules");
		return DEFAULT_RULES;
	}
	const parsed = rulesConfigSchema.safeParse(json);
	if (parsed.success) return parsed.data;
	problems.push(
		`ALERT_RULES: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"} ${i.message}`).join("; ")}; using the default rules`,
	);
	return DEFAULT_RULES;
}

function url(name: string, raw: string | undefined, problems: string[]): string | null {
	if (!raw?.trim()) return null;
	const parsed = destinationUrlSchema.safeParse(raw);
	if (parsed.success) return parsed.data;
	problems.push(`${name} ${parsed.error.issues[0]?.message ?? "is not a usable URL"}; channel off`);
	return null;
}

export function alertingConfig(vars: AlertVars): AlertingConfig {
	const problems: string[] = [];
	const channels: Channel[] = [];
	const slack = url("ALERT_SLACK_WEBHOOK_URL", vars.ALERT_SLACK_WEBHOOK_URL, problems);
	if (slack) channels.push({ id: "slack", url: slack });
	const webhook = url("ALERT_WEBHOOK_URL", vars.ALERT_WEBHOOK_URL, problems);
	const secret = vars.ALERT_WEBHOOK_SECRET?.trim();
	if (webhook && !secret) problems.push("ALERT_WEBHOOK_URL is set but ALERT_WEBHOOK_SECRET is not; channel off");
	if (webhook && secret) {
		try {
			secretKey(secret);
			channels.push({ id: "webhook", url: webhook, secret });
		} catch {
			problems.push("ALERT_WEBHOOK_SECRET is not a whsec_ secret of 24 to 64 bytes; channel off");
		}
	}
	// ALERT_COOLDOWN_SECONDS is one of the numeric vars (src/shared/config.ts):
	// a bad value throws ConfigError rather than quietly using the default.
	return { cooldownMs: configFor(vars).alertCooldownMs, rules: parseAlertRules(vars.ALERT_RULES, problems), channels, problems };
}

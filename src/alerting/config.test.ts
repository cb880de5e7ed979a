import { describe, expect, it } from "vitest";
import { alertingConfig } from "./config";
import { DEFAULT_RULES } from "./core/rules";
import { DEFAULT_COOLDOWN_MS } from "./core/state";

const SECRET = `whsec_${btoa("x".repeat(32))}`;

describe("alerting config from vars and secrets", () => {
	it("has every channel off and the default rules and cooldown when nothing is set", () => {
		expect(alertingConfig({})).toEqual({ cooldownMs: DEFAULT_COOLDOWN_MS, rules: DEFAULT_RULES, channels: [], problems: [] });
	});

	it("turns on Slack with its URL, and the generic webhook only with a whsec_ secret beside its URL", () => {
		const config = alertingConfig({
			ALERT_SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/x",
			ALERT_WEBHOOK_URL: "https://alerts.example.com/in",
			ALERT_WEBHOOK_SECRET: SECRET,
		});
		expect(config.channels).toEqual([
			{ id: "slack", url: "https://hooks.slack.com/services/T/B/x" },
			{ id: "webhook", url: "https://alerts.example.com/in", secret: SECRET },
		]);
		expect(alertingConfig({ ALERT_WEBHOOK_URL: "https://alerts.example.com/in" })).toMatchObject({
			channels: [],
			problems: [expect.stringContaining("ALERT_WEBHOOK_SECRET is not")],
		});
		expect(alertingConfig({ ALERT_WEBHOOK_URL: "https://a.example", ALERT_WEBHOOK_SECRET: "hunter2" })).toMatchObject({
			channels: [],
			problems: [expect.stringContaining("not a whsec_ secret")],
		});
	});

	it("keeps a channel off when its URL is plain http outside loopback, and says so", () => {
		const config = alertingConfig({ ALERT_SLACK_WEBHOOK_URL: "http://hooks.example.com/x" });
		expect(config.channels).toEqual([]);
		expect(config.problems[0]).toMatch(/^ALERT_SLACK_WEBHOOK_URL must be https/);
		expect(alertingConfig({ ALERT_SLACK_WEBHOOK_URL: "http://127.0.0.1:9999/slack" }).channels).toHaveLength(1);
	});

	it("reads the cooldown in seconds, 0 included, and refuses nonsense", () => {
		expect(alertingConfig({ ALERT_COOLDOWN_SECONDS: "2" }).cooldownMs).toBe(2000);
		expect(alertingConfig({ ALERT_COOLDOWN_SECONDS: "0" }).cooldownMs).toBe(0);
		expect(() => alertingConfig({ ALERT_COOLDOWN_SECONDS: "-1" })).toThrow(/ALERT_COOLDOWN_SECONDS/);
	});

	it("overrides only the rule settings ALERT_RULES names, and falls back to the defaults on bad JSON", () => {
		const config = alertingConfig({ ALERT_RULES: '{"backlog_high":{"threshold":500},"ack_p95_high":{"enabled":false}}' });
		expect(config.rules.backlog_high).toEqual({ ...DEFAULT_RULES.backlog_high, threshold: 500 });
		expect(config.rules.ack_p95_high.enabled).toBe(false);
		expect(config.rules.failure_rate_high).toEqual(DEFAULT_RULES.failure_rate_high);
		expect(alertingConfig({ ALERT_RULES: "{nope" })).toMatchObject({
			rules: DEFAULT_RULES,
			problems: [expect.stringContaining("not JSON")],
		});
		expect(alertingConfig({ ALERT_RULES: '{"backlog_high":{"threshold":-1}}' }).problems[0]).toContain("backlog_high.threshold");
	});
});

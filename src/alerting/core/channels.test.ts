import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateSecret } from "../../shared/standard-webhooks";
import {
	alertMessageId,
	alertWebhookBody,
	alertWebhookRequest,
	escapeSlack,
	type SlackBlock,
	slackMessage,
	slackRequest,
} from "./channels";
import type { Notification } from "./state";

const T = Date.parse("2026-11-27T10:00:00Z");
const SECRET = generateSecret((n) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 256));

const fired: Notification = {
	key: "failure_rate_high",
	rule: "failure_rate_high",
	kind: "fired",
	summary: "3 of 40 events failed in the last 5 min (7.5 %, threshold 5.0 %)",
	value: 0.075,
	threshold: 0.05,
	unit: "ratio",
	at: T,
	fired_at: T,
};
const resolved: Notification = { ...fired, kind: "resolved", summary: "0 of 50 events failed", value: 0, at: T + 95 * 60_000 };

const section = (blocks: SlackBlock[]) => blocks.find((b): b is Extract<SlackBlock, { type: "section" }> => b.type === "section");
const fieldTexts = (blocks: SlackBlock[]) => section(blocks)?.fields?.map((f) => f.text) ?? [];

describe("Slack message", () => {
	it("has a fallback text line and a header plus a section with fields for a fired alert", () => {
		const msg = slackMessage(fired, { service: "pipeline-prod" });
		expect(msg.text).toBe(
			":rotating_light: [FIRING] Failure rate high (pipeline-prod): 3 of 40 events failed in the last 5 min (7.5 %, threshold 5.0 %)",
		);
		expect(msg.blocks[0]).toEqual({
			type: "header",
			text: { type: "plain_text", text: "🚨 Firing: Failure rate high (pipeline-prod)", emoji: true },
		});
		expect(section(msg.blocks)?.text).toEqual({ type: "mrkdwn", text: fired.summary });
		expect(fieldTexts(msg.blocks)).toEqual([
			"*Status*\nFiring",
			"*Alert*\nfailure_rate_high",
			"*Value*\n7.5 %",
			"*Threshold*\n5.0 %",
			"*Since*\n2026-11-27T10:00:00.000Z",
		]);
	});

	it("says resolved, with how long the incident lasted", () => {
		const msg = slackMessage(resolved);
		expect(msg.text.startsWith(":white_check_mark: [RESOLVED] Failure rate high: ")).toBe(true);
		expect(msg.blocks[0]).toMatchObject({ type: "header", text: { text: "✅ Resolved: Failure rate high" } });
		expect(fieldTexts(msg.blocks)).toContain("*Lasted*\n1 h 35 min");
		expect(fieldTexts(msg.blocks)).toContain("*Value*\n0.0 %");
	});

	it("formats values in the rule's unit", () => {
		const latency = slackMessage({ ...fired, rule: "ack_p95_high", key: "ack_p95_high", unit: "ms", value: 125.4, threshold: 100 });
		expect(fieldTexts(latency.blocks)).toEqual(expect.arrayContaining(["*Value*\n125 ms", "*Threshold*\n100 ms"]));
		const backlog = slackMessage({ ...fired, rule: "backlog_high", key: "backlog_high", unit: "events", value: 230, threshold: 100 });
		expect(fieldTexts(backlog.blocks)).toEqual(expect.arrayContaining(["*Value*\n230", "*Threshold*\n100"]));
		expect(fieldTexts(slackMessage({ ...fired, value: null }).blocks)).toContain("*Value*\nn/a");
	});

	it("escapes markup from data so a summary cannot ping the channel", () => {
		const msg = slackMessage({ ...fired, summary: 'Destination "<!channel> & co" is paused' });
		expect(escapeSlack("<!channel> & >")).toBe("&lt;!channel&gt; &amp; &gt;");
		expect(section(msg.blocks)?.text?.text).toBe('Destination "&lt;!channel&gt; &amp; co" is paused');
		expect(msg.text).not.toContain("<!channel>");
	});

	it("stays within Block Kit limits: header 150 chars, at most 10 fields", () => {
		const msg = slackMessage({ ...fired, summary: "x".repeat(5000) }, { service: "s".repeat(300) });
		const header = msg.blocks[0] as Extract<SlackBlock, { type: "header" }>;
		expect(header.text.text.length).toBeLessThanOrEqual(150);
		expect(section(msg.blocks)?.text?.text.length).toBeLessThanOrEqual(3000);
		expect(section(msg.blocks)?.fields?.length).toBeLessThanOrEqual(10);
	});

	it("links the dashboard when given, and is sent as JSON", () => {
		const msg = slackMessage(fired, { dashboardUrl: "https://ops.example.com/d/pipeline" });
		expect(msg.blocks.at(-1)).toEqual({
			type: "context",
			elements: [{ type: "mrkdwn", text: "<https://ops.example.com/d/pipeline|Open the dashboard>" }],
		});
		const req = slackRequest(fired);
		expect(req.headers["content-type"]).toBe("application/json");
		expect(JSON.parse(req.body)).toEqual(slackMessage(fired));
	});
});

describe("generic alert webhook", () => {
	it("uses the Standard Webhooks payload shape {type, timestamp, data}", () => {
		expect(alertWebhookBody(resolved, { service: "prod" })).toEqual({
			type: "alert.resolved",
			timestamp: "2026-11-27T11:35:00.000Z",
			data: {
				key: "failure_rate_high",
				rule: "failure_rate_high",
				title: "Failure rate high",
				summary: "0 of 50 events failed",
				value: 0,
				threshold: 0.05,
				unit: "ratio",
				fired_at: "2026-11-27T10:00:00.000Z",
				service: "prod",
			},
		});
		expect(alertWebhookBody(fired).type).toBe("alert.fired");
	});

	it("is signed so the standardwebhooks library verifies it", async () => {
		const timestamp = Math.floor(Date.now() / 1000);
		const req = await alertWebhookRequest(fired, { channelId: "ops-hook", secrets: [SECRET], timestamp });
		expect(req.headers["content-type"]).toBe("application/json");
		expect(req.headers["webhook-timestamp"]).toBe(String(timestamp));
		expect(new Webhook(SECRET).verify(req.body, req.headers)).toEqual(alertWebhookBody(fired));
		const other = generateSecret((n) => new Uint8Array(n).fill(1));
		expect(() => new Webhook(other).verify(req.body, req.headers)).toThrow();
	});

	it("gives a notification the same webhook-id on every send, distinct per kind and channel", async () => {
		const id = await alertMessageId(fired, "ops-hook");
		expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
		expect(await alertMessageId({ ...fired, at: T + 1000, summary: "later" }, "ops-hook")).toBe(id);
		expect(await alertMessageId(resolved, "ops-hook")).not.toBe(id);
		expect(await alertMessageId(fired, "other-hook")).not.toBe(id);
		expect(await alertMessageId({ ...fired, fired_at: T + 3_600_000 }, "ops-hook")).not.toBe(id);
	});
});

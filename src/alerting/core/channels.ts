import { type SignatureHeaders, signatureHeaders, webhookId } from "../../shared/standard-webhooks";
import { formatValue, type RuleId } from "./rules";
import type { Notification } from "./state";

// Message bodies for the alert channels: a Slack incoming webhook, and a
// generic JSON webhook signed the Standard Webhooks way. Building only;
// sending is the caller's.

export interface ChannelContext {
	// Names the deployment in messages, e.g. "webhook-pipeline (prod)".
	service?: string;
	// Linked from Slack messages when set.
	dashboardUrl?: string;
}

const RULE_TITLES: Record<RuleId, string> = {
	backlog_high: "Backlog high",
	failure_rate_high: "Failure rate high",
	ack_p95_high: "Ack latency high",
	dead_letters_new: "New dead letters",
	insecure_config: "Requests refused: deployment misconfigured",
	destination_paused: "Destination paused",
};

// Block Kit limits (docs.slack.dev/reference/block-kit/blocks): header text
// 150 chars, section text 3000, at most 10 fields of 2000 each.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;

export interface SlackText {
	type: "plain_text" | "mrkdwn";
	text: string;
	emoji?: boolean;
}

export type SlackBlock =
	| { type: "header"; text: SlackText }
	| { type: "section"; text?: SlackText; fields?: SlackText[] }
	| { type: "context"; elements: SlackText[] };

// `text` is the fallback line notifications and old clients show; `blocks` the layout.
export interface SlackMessage {
	text: string;
	blocks: SlackBlock[];
}

const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

// Slack reads &, < and > as markup (<!channel> pings everyone): escape
// anything that came from data.
export const escapeSlack = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function duration(ms: number): string {
	const minutes = Math.max(0, Math.round(ms / 60_000));
	if (minutes < 60) return `${minutes} min`;
	const hours = Math.floor(minutes / 60);
	return `${hours} h ${minutes % 60} min`;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function slackMessage(n: Notification, context: ChannelContext = {}): SlackMessage {
	const firing = n.kind === "fired";
	const title = `${firing ? "Firing" : "Resolved"}: ${RULE_TITLES[n.rule]}`;
	const where = context.service ? ` (${context.service})` : "";
	const field = (label: string, value: string): SlackText => ({
		type: "mrkdwn",
		text: truncate(`*${label}*\n${escapeSlack(value)}`, FIELD_MAX),
	});
	const fields = [
		field("Status", firing ? "Firing" : "Resolved"),
		field("Alert", n.key),
		field("Value", formatValue(n.value, n.unit)),
		field("Threshold", formatValue(n.threshold, n.unit)),
		field("Since", iso(n.fired_at)),
		...(firing ? [] : [field("Lasted", duration(n.at - n.fired_at))]),
	];
	const blocks: SlackBlock[] = [
		{ type: "header", text: { type: "plain_text", text: truncate(`${firing ? "🚨" : "✅"} ${title}${where}`, HEADER_MAX), emoji: true } },
		{ type: "section", text: { type: "mrkdwn", text: truncate(escapeSlack(n.summary), SECTION_MAX) }, fields },
	];
	if (context.dashboardUrl) {
		blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `<${escapeSlack(context.dashboardUrl)}|Open the dashboard>` }] });
	}
	const fallback = `${firing ? ":rotating_light: [FIRING]" : ":white_check_mark: [RESOLVED]"} ${RULE_TITLES[n.rule]}${where}: ${n.summary}`;
	return { text: escapeSlack(fallback), blocks };
}

export interface OutgoingRequest {
	body: string;
	headers: Record<string, string>;
}

export const slackRequest = (n: Notification, context: ChannelContext = {}): OutgoingRequest => ({
	body: JSON.stringify(slackMessage(n, context)),
	headers: { "content-type": "application/json" },
});

// Standard Webhooks' recommended payload shape: {type, timestamp, data}.
export interface AlertWebhookBody {
	type: "alert.fired" | "alert.resolved";
	timestamp: string;
	data: {
		key: string;
		rule: RuleId;
		title: string;
		summary: string;
		value: number | null;
		threshold: number;
		unit: Notification["unit"];
		fired_at: string;
		service?: string;
	};
}

export function alertWebhookBody(n: Notification, context: ChannelContext = {}): AlertWebhookBody {
	return {
		type: n.kind === "fired" ? "alert.fired" : "alert.resolved",
		timestamp: iso(n.at),
		data: {
			key: n.key,
			rule: n.rule,
			title: RULE_TITLES[n.rule],
			summary: n.summary,
			value: n.value,
			threshold: n.threshold,
			unit: n.unit,
			fired_at: iso(n.fired_at),
			...(context.service ? { service: context.service } : {}),
		},
	};
}

export interface AlertWebhookSigning {
	// Identifies the channel, so two channels get different webhook-ids.
	channelId: string;
	// Active whsec_ secrets, newest first (signing.activeSecrets).
	secrets: readonly string[];
	// Unix seconds of this send.
	timestamp: number;
}

// The same notification always gets the same webhook-id (a resend is
// recognisable); fired and resolved of one incident differ.
export const alertMessageId = (n: Notification, channelId: string): Promise<string> =>
	webhookId(`alert:${n.key}:${n.kind}:${n.fired_at}`, channelId);

export async function alertWebhookRequest(
	n: Notification,
	signing: AlertWebhookSigning,
	context: ChannelContext = {},
): Promise<OutgoingRequest> {
	const body = JSON.stringify(alertWebhookBody(n, context));
	const id = await alertMessageId(n, signing.channelId);
	const signed: SignatureHeaders = await signatureHeaders({ id, timestamp: signing.timestamp, body }, signing.secrets);
	return { body, headers: { "content-type": "application/json", ...signed } };
}

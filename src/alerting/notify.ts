import { logLine } from "../shared/log";
import { postJson } from "../shared/outbound";
import type { Channel } from "./config";
import { alertWebhookRequest, type OutgoingRequest, slackRequest } from "./core/channels";
import type { Notification } from "./core/state";
import type { ChannelStatuses } from "./store";

// Sends one notification to the configured channels: Slack as {text, blocks},
// the generic webhook signed the Standard Webhooks way. Never throws; the
// statuses say what each channel did.

export const CHANNEL_TIMEOUT_MS = 10_000;
// Identifies the generic channel in webhook-ids (alerts/channels.ts).
export const WEBHOOK_CHANNEL_ID = "alert-webhook";

async function requestFor(channel: Channel, n: Notification, now: number): Promise<OutgoingRequest> {
	if (channel.id === "slack") return slackRequest(n);
	return alertWebhookRequest(n, { channelId: WEBHOOK_CHANNEL_ID, secrets: [channel.secret], timestamp: Math.floor(now / 1000) });
}

export async function notifyChannels(
	channels: readonly Channel[],
	n: Notification,
	previous: ChannelStatuses = {},
	now = Date.now(),
): Promise<ChannelStatuses> {
	const statuses: ChannelStatuses = { ...previous };
	await Promise.all(
		channels
			.filter((c) => statuses[c.id] !== "sent")
			.map(async (channel) => {
				const request = await requestFor(channel, n, now);
				const sent = await postJson({
					url: channel.url,
					...request,
					timeoutMs: CHANNEL_TIMEOUT_MS,
					redact: channel.id === "webhook" ? [channel.secret] : [],
				});
				const ok = typeof sent.result === "number" && sent.result >= 200 && sent.result <= 299;
				statuses[channel.id] = ok ? "sent" : "failed";
				// The URL is a credential (Slack's carries its token): never logged.
				logLine(ok ? "info" : "warn", "alert_notification", {
					channel: channel.id,
					key: n.key,
					kind: n.kind,
					result: sent.result,
					latency_ms: sent.latency_ms,
				});
			}),
	);
	return statuses;
}

// Slack Events API.
//
// Signature: X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:" + ts + ":" + raw
// body>, keyed with the app's signing secret as a plain string, where ts is
// X-Slack-Request-Timestamp (unix seconds, |now − ts| ≤ 300 s by default).
//
// Identity: id = body.event_id, type = body.event.type, occurredAt =
// body.event_time (unix seconds). X-Slack-Retry-Num / -Reason are kept so a
// retry is visible beside the event.
//
// Control (answered at once, never queued; Slack signs these too):
//  - url_verification → 200 {challenge}
//  - app_rate_limited → 200 {} (Slack telling us it is dropping events; it
//    has no event_id, and an error answer would only add to the noise)

import { concatBytes, hmacSha256MatchesAny, utf8 } from "../crypto";
import type { MappingTable } from "../mapping-rules";
import type { DeliveryRequest, Identification, Preset, Verdict, VerifyOptions } from "../types";
import {
	bodyString,
	header,
	identityFromBody,
	isRecord,
	MISMATCH,
	MISSING,
	missingBodyField,
	OK,
	parseUnixSeconds,
	pickHeaders,
	requireSecrets,
	STALE,
	withinTolerance,
} from "./shared";

export const SLACK_SIGNATURE_HEADER = "x-slack-signature";
export const SLACK_TIMESTAMP_HEADER = "x-slack-request-timestamp";

const USEFUL_HEADERS = ["x-slack-request-timestamp", "x-slack-retry-num", "x-slack-retry-reason"] as const;

async function verify(req: DeliveryRequest, secrets: readonly string[], opts: VerifyOptions): Promise<Verdict> {
	requireSecrets("slack", secrets);
	const value = header(req.headers, SLACK_SIGNATURE_HEADER);
	const timestamp = header(req.headers, SLACK_TIMESTAMP_HEADER);
	if (value === undefined || timestamp === undefined) return MISSING;
	if (!value.startsWith("v0=")) return MISSING;
	const signedAt = parseUnixSeconds(timestamp);
	if (signedAt === null) return MISMATCH;
	const basestring = concatBytes(utf8(`v0:${timestamp}:`), req.body);
	if (!(await hmacSha256MatchesAny(secrets, [value.slice(3)], "hex", basestring))) return MISMATCH;
	return withinTolerance(signedAt, opts) ? OK : STALE;
}

function identify(req: DeliveryRequest, json: unknown): Identification {
	if (!isRecord(json)) return missingBodyField("type", "present: the body must be a JSON object");
	const envelope = bodyString(json, "type");
	if (envelope === "url_verification") {
		const challenge = bodyString(json, "challenge");
		if (challenge === undefined) return missingBodyField("challenge");
		return { kind: "control", reason: "slack_url_verification", status: 200, body: { challenge } };
	}
	if (envelope === "app_rate_limited") return { kind: "control", reason: "slack_app_rate_limited", status: 200, body: {} };
	return identityFromBody(
		json,
		{ id: "event_id", type: "event.type", unixSeconds: "event_time" },
		pickHeaders(req.headers, USEFUL_HEADERS),
	);
}

// Nothing in Slack maps onto a canonical type by default.
export const slackMappings: MappingTable = {};

export const slack: Preset<"slack"> = {
	kind: "slack",
	defaultToleranceSeconds: 300,
	bodyDedupe: false,
	verify,
	identify,
	mappings: slackMappings,
};

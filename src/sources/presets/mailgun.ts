// Mailgun webhooks.
//
// Signature: inside the body, not a header: `signature` { timestamp, token,
// signature } in a JSON body (form fields timestamp / token / signature in
// the legacy form-encoded one), where signature = hex HMAC-SHA256 of
// timestamp followed by token, keyed with the domain's HTTP webhook signing
// key. The event data itself is not covered, so bodyDedupe. Mailgun retries
// the same signed body for up to 8 hours, so the default tolerance is a day.
// Identity: id = event-data.id, type = event-data.event ("delivered"),
// occurredAt = event-data.timestamp (unix s, fractional). A legacy form
// body: type = its `event` field, keyed on the body's sha256.

import { hmacSha256MatchesAny, utf8 } from "../crypto";
import type { DeliveryRequest, Preset, Verdict, VerifyOptions } from "../types";
import { signedSeconds } from "./scheme";
import {
	bodyNumber,
	bodyString,
	eventIdentity,
	isRecord,
	MISMATCH,
	MISSING,
	missingBodyField,
	OK,
	parseFormBody,
	parseJsonBody,
	requireSecrets,
	STALE,
	withinTolerance,
} from "./shared";

function signatureOf(body: Uint8Array): { timestamp?: string; token?: string; signature?: string } {
	const json = parseJsonBody(body);
	if (isRecord(json)) {
		const at = json.signature;
		if (!isRecord(at)) return {};
		const timestamp = typeof at.timestamp === "number" ? String(at.timestamp) : bodyString(at, "timestamp");
		return { timestamp, token: bodyString(at, "token"), signature: bodyString(at, "signature") };
	}
	const form = parseFormBody(body) ?? {};
	return { timestamp: form.timestamp, token: form.token, signature: form.signature };
}

async function verify(req: DeliveryRequest, secrets: readonly string[], opts: VerifyOptions): Promise<Verdict> {
	requireSecrets("mailgun", secrets);
	const { timestamp, token, signature } = signatureOf(req.body);
	if (timestamp === undefined || token === undefined || signature === undefined) return MISSING;
	const at = signedSeconds(timestamp, "seconds");
	if (at === null) return MISMATCH;
	if (!(await hmacSha256MatchesAny(secrets, [signature], "hex", utf8(`${timestamp}${token}`)))) return MISMATCH;
	return withinTolerance(at, opts) ? OK : STALE;
}

export const mailgun: Preset<"mailgun"> = {
	kind: "mailgun",
	defaultToleranceSeconds: 86_400,
	bodyDedupe: true,
	verify,
	identify(_req, json) {
		if (isRecord(json) && isRecord(json["event-data"])) {
			const data = json["event-data"];
			const id = bodyString(data, "id");
			if (id === undefined) return missingBodyField("event-data.id");
			const type = bodyString(data, "event");
			if (type === undefined) return missingBodyField("event-data.event");
			const seconds = bodyNumber(data, "timestamp");
			return eventIdentity(id, type, seconds === undefined ? undefined : Math.round(seconds * 1000), {});
		}
		const type = bodyString(json, "event");
		if (type === undefined) return missingBodyField("event-data.event");
		return eventIdentity(undefined, type, undefined, {});
	},
	mappings: {},
};

// Slack has no signing library on npm we could run, so the anchor vector is
// the worked example in Slack's "Verifying requests from Slack" doc (secret,
// timestamp, slash-command body and the expected v0= signature). Events API
// JSON deliveries are signed on the test side with node:crypto's createHmac,
// following the same documented recipe. Our code only verifies.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto";
import type { DeliveryRequest } from "../types";
import { SecretFormatError } from "./shared";
import { slack } from "./slack";

const DOC = {
	secret: "8f742231b10e8888abcd99yyyzzz85a5",
	timestamp: "1531420618",
	body: "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
	signature: "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
};
const docOpts = { toleranceSeconds: 300, nowSeconds: Number(DOC.timestamp) };

function docDelivery(overrides: Partial<typeof DOC> = {}): DeliveryRequest {
	const v = { ...DOC, ...overrides };
	return {
		headers: { "x-slack-request-timestamp": v.timestamp, "x-slack-signature": v.signature },
		body: utf8(v.body),
	};
}

const SECRET = "e3b0c44298fc1c149afbf4c8996fb924";
const NOW = 1_767_225_600;
const opts = { toleranceSeconds: 300, nowSeconds: NOW };

const eventBody = JSON.stringify({
	token: "XXYYZZ",
	team_id: "T123ABC456",
	api_app_id: "A123ABC456",
	event: {
		type: "app_mention",
		user: "U123ABC456",
		text: "<@U0LAN0Z89> is it everything a river should be?",
		ts: "1515449522.000016",
		channel: "C123ABC456",
		event_ts: "1515449522000016",
	},
	type: "event_callback",
	event_id: "Ev123ABC456",
	event_time: 1515449522,
	authed_users: ["U0LAN0Z89"],
});

function signedByNode(body: string, secret = SECRET, ts = NOW): Record<string, string> {
	const hex = createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex");
	return { "x-slack-request-timestamp": String(ts), "x-slack-signature": `v0=${hex}`, "content-type": "application/json" };
}

function delivery(body: string, headers: Record<string, string>): DeliveryRequest {
	return { headers, body: utf8(body) };
}

describe("slack preset: verify", () => {
	it("reproduces the worked example in Slack's documentation", async () => {
		expect(await slack.verify(docDelivery(), [DOC.secret], docOpts)).toEqual({ ok: true });
	});

	it("accepts an Events API delivery signed with the documented recipe", async () => {
		expect(await slack.verify(delivery(eventBody, signedByNode(eventBody)), [SECRET], opts)).toEqual({ ok: true });
	});

	it("rejects a tampered body as signature_mismatch", async () => {
		const tampered = DOC.body.replace("user_name=roadrunner", "user_name=coyote");
		expect(await slack.verify(docDelivery({ body: tampered }), [DOC.secret], docOpts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("rejects a changed timestamp as signature_mismatch (the timestamp is signed)", async () => {
		const shifted = String(Number(DOC.timestamp) + 1);
		expect(await slack.verify(docDelivery({ timestamp: shifted }), [DOC.secret], docOpts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("rejects the wrong signing secret as signature_mismatch", async () => {
		expect(await slack.verify(docDelivery(), [SECRET], docOpts)).toEqual({ ok: false, reason: "signature_mismatch" });
	});

	it("accepts a delivery signed with the previous secret during rotation", async () => {
		expect(await slack.verify(docDelivery(), [SECRET, DOC.secret], docOpts)).toEqual({ ok: true });
	});

	it("rejects a genuine request more than 300 s away from now as timestamp_out_of_tolerance", async () => {
		const ts = Number(DOC.timestamp);
		for (const now of [ts + 301, ts - 301]) {
			expect(await slack.verify(docDelivery(), [DOC.secret], { toleranceSeconds: 300, nowSeconds: now }), String(now)).toEqual({
				ok: false,
				reason: "timestamp_out_of_tolerance",
			});
		}
		expect(await slack.verify(docDelivery(), [DOC.secret], { toleranceSeconds: 300, nowSeconds: ts + 300 })).toEqual({
			ok: true,
		});
	});

	it("rejects a missing signature or timestamp header as signature_missing", async () => {
		const { "x-slack-signature": _s, ...noSignature } = docDelivery().headers;
		const { "x-slack-request-timestamp": _t, ...noTimestamp } = docDelivery().headers;
		for (const headers of [noSignature, noTimestamp, {}]) {
			expect(await slack.verify({ headers, body: utf8(DOC.body) }, [DOC.secret], docOpts)).toEqual({
				ok: false,
				reason: "signature_missing",
			});
		}
		expect(await slack.verify(docDelivery({ signature: DOC.signature.replace("v0=", "v1=") }), [DOC.secret], docOpts)).toEqual({
			ok: false,
			reason: "signature_missing",
		});
	});

	it("rejects a malformed timestamp or hex as signature_mismatch", async () => {
		expect(await slack.verify(docDelivery({ timestamp: "15314206l8" }), [DOC.secret], docOpts)).toMatchObject({
			reason: "signature_mismatch",
		});
		expect(await slack.verify(docDelivery({ signature: `${DOC.signature.slice(0, -1)}g` }), [DOC.secret], docOpts)).toMatchObject({
			reason: "signature_mismatch",
		});
	});

	it("throws SecretFormatError when no secret is configured", async () => {
		await expect(slack.verify(docDelivery(), [], docOpts)).rejects.toBeInstanceOf(SecretFormatError);
	});
});

describe("slack preset: identify", () => {
	it("uses event_id, event.type and event_time (s → ms), keeping the retry headers", () => {
		const headers = { ...signedByNode(eventBody), "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" };
		expect(slack.identify(delivery(eventBody, headers), JSON.parse(eventBody))).toEqual({
			kind: "event",
			id: "Ev123ABC456",
			type: "app_mention",
			occurredAt: 1515449522 * 1000,
			headers: {
				"x-slack-request-timestamp": String(NOW),
				"x-slack-retry-num": "1",
				"x-slack-retry-reason": "http_timeout",
			},
			idField: "event_id",
			typeField: "event.type",
		});
	});

	it("answers url_verification with its challenge as a control message, not an event", () => {
		const body = {
			token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
			challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
			type: "url_verification",
		};
		expect(slack.identify(delivery(JSON.stringify(body), {}), body)).toEqual({
			kind: "control",
			reason: "slack_url_verification",
			status: 200,
			body: { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" },
		});
	});

	it("acknowledges app_rate_limited without queueing it", () => {
		const body = { token: "x", type: "app_rate_limited", team_id: "T123ABC456", minute_rate_limited: 1518467820, api_app_id: "A123" };
		expect(slack.identify(delivery("{}", {}), body)).toMatchObject({ kind: "control", reason: "slack_app_rate_limited", status: 200 });
	});

	it("names event_id or event.type when missing, and refuses a non-JSON body", () => {
		const parsed = JSON.parse(eventBody);
		const { event_id: _id, ...noId } = parsed;
		expect(slack.identify(delivery(eventBody, {}), noId)).toMatchObject({ kind: "invalid", location: "body", field: "event_id" });
		expect(slack.identify(delivery(eventBody, {}), { ...parsed, event: {} })).toMatchObject({ kind: "invalid", field: "event.type" });
		expect(slack.identify(delivery(DOC.body, {}), undefined)).toMatchObject({ kind: "invalid" });
	});
});

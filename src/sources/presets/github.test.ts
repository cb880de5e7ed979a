// Vectors come from @octokit/webhooks-methods' sign() (GitHub's own JS
// toolkit, run here inside workerd) and from the worked example in GitHub's
// "Validating webhook deliveries" documentation. Our code only verifies.
import { sign } from "@octokit/webhooks-methods";
import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto";
import type { DeliveryRequest } from "../types";
import { github } from "./github";
import { SecretFormatError } from "./shared";

const SECRET = "gh-webhook-secret-3f9a1c";
const PREVIOUS = "gh-webhook-secret-previous-77b2";
// No timestamp in GitHub's scheme: tolerance and clock are ignored.
const opts = { toleranceSeconds: 300, nowSeconds: 1_767_225_600 };

const payload = JSON.stringify({
	action: "opened",
	issue: { id: 1, number: 1347, title: "Found a bug", user: { login: "octocat", id: 1 } },
	repository: { id: 1296269, full_name: "octocat/Hello-World" },
	sender: { login: "octocat", id: 1 },
});

const baseHeaders = {
	"x-github-event": "issues",
	"x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
	"x-github-hook-id": "292430182",
	"x-github-hook-installation-target-type": "repository",
	"x-github-hook-installation-target-id": "79929171",
	"user-agent": "GitHub-Hookshot/044aadd",
	"content-type": "application/json",
};

function delivery(body: string | Uint8Array, signature?: string, headers: Record<string, string> = baseHeaders): DeliveryRequest {
	return {
		headers: signature === undefined ? { ...headers } : { ...headers, "x-hub-signature-256": signature },
		body: typeof body === "string" ? utf8(body) : body,
	};
}

describe("github preset: verify", () => {
	it("accepts a delivery signed by @octokit/webhooks-methods", async () => {
		const sig = await sign(SECRET, payload);
		expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
		expect(await github.verify(delivery(payload, sig), [SECRET], opts)).toEqual({ ok: true });
	});

	it("reproduces GitHub's documented example (It's a Secret to Everybody / Hello, World!)", async () => {
		const documented = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
		expect(await github.verify(delivery("Hello, World!", documented), ["It's a Secret to Everybody"], opts)).toEqual({
			ok: true,
		});
	});

	it("rejects a tampered body as signature_mismatch", async () => {
		const sig = await sign(SECRET, payload);
		expect(await github.verify(delivery(payload.replace("opened", "closed"), sig), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("rejects a signature made with another secret as signature_mismatch", async () => {
		const sig = await sign("not-our-secret", payload);
		expect(await github.verify(delivery(payload, sig), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_mismatch",
		});
	});

	it("accepts a delivery signed with the previous secret during rotation", async () => {
		const sig = await sign(PREVIOUS, payload);
		expect(await github.verify(delivery(payload, sig), [SECRET, PREVIOUS], opts)).toEqual({ ok: true });
		expect(await github.verify(delivery(payload, sig), [SECRET], opts)).toMatchObject({ ok: false });
	});

	it("rejects a missing X-Hub-Signature-256 as signature_missing, even when legacy SHA-1 X-Hub-Signature is there", async () => {
		expect(await github.verify(delivery(payload), [SECRET], opts)).toEqual({ ok: false, reason: "signature_missing" });
		const legacyOnly = { ...baseHeaders, "x-hub-signature": "sha1=0123456789abcdef0123456789abcdef01234567" };
		expect(await github.verify(delivery(payload, undefined, legacyOnly), [SECRET], opts)).toEqual({
			ok: false,
			reason: "signature_missing",
		});
	});

	it("rejects a malformed signature (no sha256= prefix, bad hex, wrong length) as signature_mismatch", async () => {
		const hex = (await sign(SECRET, payload)).slice("sha256=".length);
		for (const value of [hex, `sha1=${hex}`, `sha256=${hex.slice(2)}`, `sha256=${hex}00`, `sha256=xy${hex.slice(2)}`]) {
			expect(await github.verify(delivery(payload, value), [SECRET], opts), value).toEqual({
				ok: false,
				reason: "signature_mismatch",
			});
		}
	});

	it("throws SecretFormatError when no secret is configured", async () => {
		await expect(github.verify(delivery(payload, await sign(SECRET, payload)), [], opts)).rejects.toBeInstanceOf(SecretFormatError);
	});
});

describe("github preset: identify", () => {
	it("uses X-GitHub-Delivery as id and event.action as type, keeping the hook headers but no signature", async () => {
		const req = delivery(payload, await sign(SECRET, payload));
		expect(github.identify(req, JSON.parse(payload))).toEqual({
			kind: "event",
			id: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
			type: "issues.opened",
			headers: {
				"x-github-event": "issues",
				"x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958",
				"x-github-hook-id": "292430182",
				"x-github-hook-installation-target-type": "repository",
				"x-github-hook-installation-target-id": "79929171",
			},
			idField: "X-GitHub-Delivery",
			typeField: "X-GitHub-Event, action",
		});
	});

	it("uses the bare event name when the body has no string action (push)", () => {
		const req = delivery("{}", undefined, { ...baseHeaders, "x-github-event": "push" });
		expect(github.identify(req, { ref: "refs/heads/main", action: 7 })).toMatchObject({ kind: "event", type: "push" });
	});

	it("answers ping with 200 {status: pong} as a control message, not an event", () => {
		const req = delivery("{}", undefined, { ...baseHeaders, "x-github-event": "ping" });
		expect(github.identify(req, { zen: "Keep it logically awesome.", hook_id: 292430182 })).toEqual({
			kind: "control",
			reason: "github_ping",
			status: 200,
			body: { status: "pong" },
		});
	});

	it("names the header when X-GitHub-Delivery or X-GitHub-Event is missing", () => {
		const { "x-github-delivery": _d, ...noDelivery } = baseHeaders;
		expect(github.identify(delivery("{}", undefined, noDelivery), {})).toEqual({
			kind: "invalid",
			location: "header",
			field: "X-GitHub-Delivery",
			message: "missing header X-GitHub-Delivery",
		});
		const { "x-github-event": _e, ...noEvent } = baseHeaders;
		expect(github.identify(delivery("{}", undefined, noEvent), {})).toMatchObject({ field: "X-GitHub-Event" });
	});
});

// Provider events forwarded end to end: Stripe, GitHub and Standard Webhooks
// deliveries, signed with each provider's own library, go through the real
// local stack to real receivers on 127.0.0.1 in each format (`event`,
// `dashboard`, `raw`), and each request is verified with the standardwebhooks
// library as a receiver would.
import { sign as signGithub } from "@octokit/webhooks-methods";
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import { adminApi, type Receiver, startReceiver, until } from "./support";

const STRIPE_SECRET = "whsec_dev_stripe_secret_do_not_use_in_production";
const GITHUB_SECRET = "dev-github-secret-do-not-use-in-production";
const STANDARD_SECRET = "whsec_ZGV2LXN0YW5kYXJkLXdlYmhvb2tzLXNlY3JldC1ub3QtZm9yLXByb2Q=";

// The default sources, with mappings a team would add for the GitHub and
// Standard Webhooks types it cares about (neither preset maps any by default).
const SOURCES = [
	{ name: "stripe", kind: "stripe", secretVars: ["STRIPE_WEBHOOK_SECRET"] },
	{
		name: "github",
		kind: "github",
		secretVars: ["GITHUB_WEBHOOK_SECRET"],
		mapping: {
			push: {
				type: "usage_tracked",
				fields: { user_id: "sender.login", "metadata.feature": { const: "git_push" }, "metadata.quantity": { const: 1 } },
			},
		},
	},
	{
		name: "standard",
		kind: "standard",
		secretVars: ["STANDARD_WEBHOOK_SECRET"],
		mapping: { "user.created": { type: "user_signup", fields: { user_id: "data.id", "metadata.email": "data.email" } } },
	},
];
const FORMATS = ["event", "dashboard", "raw"] as const;

let stack: LocalStack;
let receiver: Receiver;
let api: ReturnType<typeof adminApi>;
const secrets: Record<string, string> = {};

const stripeCrypto = Stripe.createSubtleCryptoProvider();
const unique = () => crypto.randomUUID().replaceAll("-", "").slice(0, 16);

async function post(source: string, body: string, headers: Record<string, string>) {
	const res = await fetch(`${stack.url}/webhook/${source}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body,
	});
	expect(res.status, await res.clone().text()).toBe(202);
	return ((await res.json()) as { event_id: string }).event_id;
}

// The `event` request for this event and the `raw` one carrying these
// bytes, each verified with its destination's secret (throws when forged).
function verifiedFor(eventId: string, rawBody: string) {
	const event = receiver.on("/event").find((r) => (JSON.parse(r.body) as { event_id?: string }).event_id === eventId);
	const raw = receiver.on("/raw").find((r) => r.body === rawBody);
	if (!event || !raw) return undefined;
	return {
		event: new Webhook(secrets.event!).verify(event.body, event.headers),
		raw: { request: raw, payload: new Webhook(secrets.raw!).verify(raw.body, raw.headers) },
	};
}

beforeAll(async () => {
	receiver = await startReceiver(() => ({ status: 200 }));
	stack = await startLocalStack({ vars: { SOURCES: JSON.stringify(SOURCES) } });
	api = adminApi(stack.url);
	for (const format of FORMATS) {
		const created = await api<{ secret: string }>(
			"/api/destinations",
			{ method: "POST", body: { name: format, url: `${receiver.url}/${format}`, event_types: ["*"], format } },
			201,
		);
		secrets[format] = created.secret;
	}
});

afterAll(async () => {
	await stack?.stop();
	await receiver?.close();
});

describe("provider events reach every destination format", () => {
	it("a Stripe customer.created arrives as user_signup (event, dashboard) and byte for byte (raw)", async () => {
		const id = unique();
		const body = `{"id": "evt_${id}", "object": "event", "type": "customer.created", "created": 1767225600, "data": {"object": {"id": "cus_${id}", "object": "customer", "email": "zoe@example.com", "name": "Zoë"}}}\n`;
		const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
			payload: body,
			secret: STRIPE_SECRET,
			cryptoProvider: stripeCrypto,
		});
		const eventId = await post("stripe", body, { "stripe-signature": signature });
		expect(eventId).toBe(`stripe:evt_${id}`);

		const got = await until(() => verifiedFor(eventId, body), "event and raw deliveries");
		expect(got.event).toEqual({
			event_id: eventId,
			event_type: "user_signup",
			timestamp: "2026-01-01T00:00:00.000Z",
			user_id: `cus_${id}`,
			metadata: { email: "zoe@example.com", source: "stripe" },
			provider_type: "customer.created",
			source: "stripe",
			received_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
		});
		expect(got.raw.request.headers["content-type"]).toBe("application/json");
		const dashboard = await until(() => receiver.on("/dashboard").find((r) => r.body.includes(`cus_${id}`)), "dashboard delivery");
		expect(new Webhook(secrets.dashboard!).verify(dashboard.body, dashboard.headers)).toEqual({
			event_timestamp: "2026-01-01T00:00:00.000Z",
			metric_name: "user_signup",
			metric_value: 1,
			dimensions: { user_id: `cus_${id}`, source: "stripe", ingest_source: "stripe" },
		});
	});

	it("a GitHub push and a Standard Webhooks user.created reach all three formats under their mapped types", async () => {
		const login = `octo-${unique()}`;
		const push = JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "acme/app" }, sender: { login } });
		const githubId = await post("github", push, {
			"x-hub-signature-256": await signGithub(GITHUB_SECRET, push),
			"x-github-event": "push",
			"x-github-delivery": crypto.randomUUID(),
		});

		const userId = `user_${unique()}`;
		const created = JSON.stringify({
			type: "user.created",
			timestamp: new Date().toISOString(),
			data: { id: userId, email: "ada@example.com" },
		});
		const msgId = `msg_${unique()}`;
		const now = new Date();
		const standardId = await post("standard", created, {
			"webhook-id": msgId,
			"webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
			"webhook-signature": new Webhook(STANDARD_SECRET).sign(msgId, now, created),
		});

		for (const [eventId, raw, type, provider, user] of [
			[githubId, push, "usage_tracked", "push", login],
			[standardId, created, "user_signup", "user.created", userId],
		] as const) {
			const got = await until(() => verifiedFor(eventId, raw), `${provider} deliveries`);
			expect(got.event).toMatchObject({ event_id: eventId, event_type: type, provider_type: provider, user_id: user });
			expect(got.raw.request.body).toBe(raw);
			const dashboard = await until(
				() => receiver.on("/dashboard").find((r) => JSON.parse(r.body).dimensions?.user_id === user),
				`${provider} dashboard delivery`,
			);
			expect(new Webhook(secrets.dashboard!).verify(dashboard.body, dashboard.headers)).toMatchObject({ metric_name: type });
		}
	});

	it("settles every delivery: none left pending or delivering", async () => {
		const settled = await until(async () => {
			const { data } = await api<{ data: { status: string }[] }>("/api/deliveries?limit=100", {}, 200);
			return data.length >= 9 && data.every((d) => d.status === "succeeded") ? data : undefined;
		}, "deliveries settled");
		expect(settled.length).toBe(9);
	});
});

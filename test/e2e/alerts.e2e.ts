// Alerts end to end: poison events drive the failure rate up on the real
// local stack, and a Slack-shaped receiver on 127.0.0.1 gets one message for
// the incident, then one when it resolves. The cooldown is 2 s so the test
// is fast; the cron trigger runs through wrangler dev --test-scheduled.
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import { ADMIN_TOKEN, adminApi, event, postEvents, type Receiver, startReceiver, until, usage } from "./support";

let stack: LocalStack;
let slack: Receiver;
let api: ReturnType<typeof adminApi>;
const ALERT_SECRET = `whsec_${Buffer.from("e2e-alert-webhook-secret-32-bytes!").toString("base64")}`;

interface Health {
	events: { processed: number; dead_lettered: number; backlog: number };
}

// subscription_created without metadata: its handler refuses it, so it is
// dead-lettered at once.
const poison = () => event("subscription_created", undefined, "poison");

async function settled(processed: number, deadLettered: number) {
	await until(async () => {
		const health = await api<Health>("/api/health");
		const e = health.events;
		return e.processed === processed && e.dead_lettered === deadLettered && e.backlog === 0 ? e : undefined;
	}, `${processed} processed and ${deadLettered} dead-lettered`);
}

// An evaluation on demand; a 409 means the cron's evaluation held the lease.
async function evaluate() {
	return until(async () => {
		const res = await fetch(`${stack.url}/api/alerts/evaluate`, {
			method: "POST",
			headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
		});
		return res.status === 409 ? undefined : ((await res.json()) as { results: { key: string; status: string }[] });
	}, "an evaluation");
}

const messages = () =>
	slack.on("/slack").map((r) => JSON.parse(r.body) as { text: string; blocks: { type: string; text?: { text: string } }[] });

beforeAll(async () => {
	slack = await startReceiver(() => ({ status: 200, body: "ok" }));
	stack = await startLocalStack({
		vars: {
			ALERT_SLACK_WEBHOOK_URL: `${slack.url}/slack`,
			ALERT_WEBHOOK_URL: `${slack.url}/generic`,
			ALERT_WEBHOOK_SECRET: ALERT_SECRET,
			ALERT_COOLDOWN_SECONDS: "2",
			// Only the rule under test: on a shared CI machine the ack p95 can
			// pass 100 ms by itself, and each poison event is also a new dead letter.
			ALERT_RULES: JSON.stringify({ ack_p95_high: { enabled: false }, dead_letters_new: { enabled: false } }),
		},
		extraArgs: ["--test-scheduled"],
	});
	api = adminApi(stack.url);
});

afterAll(async () => {
	await stack?.stop();
	await slack?.close();
});

describe("alerts over HTTP", () => {
	it("sends one Slack message when poison events push the failure rate over 5 %, and one when it resolves", async () => {
		await evaluate(); // the baseline sample
		expect((await postEvents(stack.url, [...Array.from({ length: 18 }, () => usage("ok")), poison(), poison()])).status).toBe(202);
		await settled(18, 2);

		// The cron trigger evaluates (wrangler dev --test-scheduled).
		expect((await fetch(`${stack.url}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
		await until(() => (messages().length > 0 ? true : undefined), "the Slack message");
		for (let i = 0; i < 2; i++)
			expect((await evaluate()).results).toContainEqual(expect.objectContaining({ key: "failure_rate_high", status: "firing" }));
		expect(messages()).toHaveLength(1);
		const [fired] = messages();
		expect(fired!.text).toContain("[FIRING] Failure rate high");
		expect(fired!.text).toContain("2 of 20 events failed");
		expect(fired!.blocks.map((b) => b.type)).toEqual(["header", "section"]);
		expect(fired!.blocks[0]!.text!.text).toContain("Firing: Failure rate high");
		expect(slack.on("/slack")[0]!.headers["content-type"]).toBe("application/json");

		// Recovery: 2 failures in 50 is 4 %. Clear, then clear for the cooldown.
		expect(
			(
				await postEvents(
					stack.url,
					Array.from({ length: 30 }, () => usage("ok")),
				)
			).status,
		).toBe(202);
		await settled(48, 2);
		expect((await evaluate()).results).toContainEqual(expect.objectContaining({ key: "failure_rate_high", status: "ok" }));
		expect(messages()).toHaveLength(1);
		await new Promise((r) => setTimeout(r, 2_500));
		await evaluate();
		await until(() => (messages().length === 2 ? true : undefined), "the resolve message");
		expect(messages()[1]!.text).toContain("[RESOLVED] Failure rate high");
		await evaluate();
		expect(messages()).toHaveLength(2);

		const alerts = await api<{ active: unknown[]; recent: { key: string; kind: string; channels: Record<string, string> }[] }>(
			"/api/alerts",
		);
		expect(alerts.active).toEqual([]);
		expect(alerts.recent.map((h) => [h.key, h.kind, h.channels])).toEqual([
			["failure_rate_high", "resolved", { slack: "sent", webhook: "sent" }],
			["failure_rate_high", "fired", { slack: "sent", webhook: "sent" }],
		]);

		// The generic channel got the same two, signed the Standard Webhooks way.
		const generic = slack
			.on("/generic")
			.map((r) => new Webhook(ALERT_SECRET).verify(r.body, r.headers) as { type: string; data: { key: string } });
		expect(generic.map((g) => [g.type, g.data.key])).toEqual([
			["alert.fired", "failure_rate_high"],
			["alert.resolved", "failure_rate_high"],
		]);
	});
});

// Forwarding end to end: the real local stack delivers to real HTTP receivers
// on 127.0.0.1. Retry delays are real seconds locally, so the stack runs with
// a short backoff (1–2 s) and a short breaker probe (2 s).
import { readFileSync } from "node:fs";
import path from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsInRulesFile, exprsInDashboard, metricNamesInExposition, metricNamesInPromQL } from "../../scripts/ops/metric-names";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import {
	ADMIN_TOKEN,
	adminApi,
	event,
	postEvents,
	type Receiver,
	type Reply,
	signup,
	startReceiver,
	subscription,
	until,
	usage,
} from "./support";

let stack: LocalStack;
let receiver: Receiver;
let api: ReturnType<typeof adminApi>;
// Flipped by the tests: whether /down answers 200 yet.
let downIsUp = false;
// The answer /replay gives, changed by the replay test.
let replayStatus = 400;

interface Created {
	id: string;
	secret: string;
}
interface DeliveryDetail {
	status: string;
	attempts_log: { attempt: number; outcome: string; http_status: number | null; response_snippet: string | null }[];
}

const attemptsFor = (earlier: { headers: Record<string, string> }[], id: string) =>
	earlier.filter((r) => r.headers["webhook-id"] === id).length;

function respond(
	request: { path: string; headers: Record<string, string> },
	earlier: { path: string; headers: Record<string, string> }[],
): Reply {
	const id = request.headers["webhook-id"] ?? "";
	const before = attemptsFor(
		earlier.filter((r) => r.path === request.path),
		id,
	);
	if (request.path === "/flaky") {
		// First attempt 503, second 429 asking for 3 s, third 200.
		// It echoes the credential back: the stored snippet must not keep it.
		if (before === 0) return { status: 503, body: `warming up; you sent ${request.headers.authorization}` };
		if (before === 1) return { status: 429, headers: { "retry-after": "3" } };
		return { status: 200 };
	}
	if (request.path === "/down") return downIsUp ? { status: 200 } : { status: 503 };
	if (request.path === "/gone") return { status: 410 };
	if (request.path === "/replay") return { status: replayStatus };
	return { status: 200 };
}

// Ids answered 2xx: what the receiver actually got.
const accepted = (p: string) => receiver.on(p).filter((r) => r.status >= 200 && r.status < 300);

beforeAll(async () => {
	receiver = await startReceiver(respond);
	stack = await startLocalStack({
		vars: { DELIVERY_BACKOFF_BASE_SECONDS: "1", DELIVERY_BACKOFF_CAP_SECONDS: "2", BREAKER_PROBE_BASE_SECONDS: "2" },
	});
	api = adminApi(stack.url);
});

afterAll(async () => {
	await stack?.stop();
	await receiver?.close();
});

const scrape = async () => (await fetch(`${stack.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
const create = (body: Record<string, unknown>) => api<Created>("/api/destinations", { method: "POST", body }, 201);

describe("forwarding to destinations over HTTP", () => {
	it("delivers each matching event exactly once after failed attempts, signed per Standard Webhooks, honouring Retry-After", async () => {
		const flaky = await create({
			name: "flaky",
			url: `${receiver.url}/flaky`,
			event_types: ["user_signup", "usage_*"],
			auth: { type: "bearer", token: "receiver-token-0123456789" },
			max_attempts: 5,
		});
		const metrics = await create({
			name: "metrics",
			url: `${receiver.url}/metrics-sink`,
			event_types: ["usage_tracked"],
			format: "dashboard",
		});
		const events = [signup("fwd"), usage("fwd"), subscription("fwd")];
		expect((await postEvents(stack.url, events)).status).toBe(202);

		await until(
			() => (accepted("/flaky").length >= 2 && accepted("/metrics-sink").length >= 1 ? true : undefined),
			"both flaky deliveries",
			60_000,
		);
		// Nothing more arrives afterwards: no duplicate, no third event.
		await new Promise((r) => setTimeout(r, 3_000));
		const delivered = accepted("/flaky");
		expect(delivered.map((r) => JSON.parse(r.body).event_id).sort()).toEqual([events[0]!.event_id, events[1]!.event_id].sort());
		expect(new Set(delivered.map((r) => r.headers["webhook-id"])).size).toBe(2);

		const wh = new Webhook(flaky.secret);
		for (const r of delivered) {
			const payload = wh.verify(r.body, r.headers) as Record<string, unknown>;
			expect(payload).toMatchObject({ event_type: expect.any(String), source: "direct", received_at: expect.any(String) });
			expect(r.headers.authorization).toBe("Bearer receiver-token-0123456789");
			const tries = receiver.on("/flaky").filter((x) => x.headers["webhook-id"] === r.headers["webhook-id"]);
			expect(tries.map((x) => x.status)).toEqual([503, 429, 200]);
			// Retry-After: 3 is a floor under the 1–2 s backoff.
			expect(tries[2]!.at - tries[1]!.at).toBeGreaterThanOrEqual(2_900);
		}
		const [sink] = receiver.on("/metrics-sink");
		expect(new Webhook(metrics.secret).verify(sink!.body, sink!.headers)).toEqual({
			event_timestamp: expect.any(String),
			metric_name: "usage_tracked",
			metric_value: 3,
			dimensions: { user_id: events[1]!.user_id, feature: "api_calls", ingest_source: "direct" },
		});

		const detail = await api<DeliveryDetail>(`/api/deliveries/${delivered[0]!.headers["webhook-id"]}`);
		expect(detail.status).toBe("succeeded");
		expect(detail.attempts_log.map((a) => [a.outcome, a.http_status])).toEqual([
			["retry", 503],
			["retry", 429],
			["success", 200],
		]);
		expect(detail.attempts_log[0]!.response_snippet).toBe("warming up; you sent Bearer [redacted]");
	});

	it("pauses a destination whose receiver stays down, then probes and delivers what it held, once each", async () => {
		const down = await create({ name: "down", url: `${receiver.url}/down`, event_types: ["*"], max_attempts: 10 });
		const events = [signup("down"), signup("down"), usage("down"), usage("down")];
		expect((await postEvents(stack.url, events)).status).toBe(202);

		const paused = await until(async () => {
			const d = await api<{ paused: string | null }>(`/api/destinations/${down.id}`);
			return d.paused === "breaker" ? d : undefined;
		}, "the breaker to open");
		expect(paused).toMatchObject({ breaker: { status: "open" } });
		expect(await scrape()).toContain(`webhook_destination_paused{destination="${down.id}",reason="breaker"} 1\n`);

		downIsUp = true;
		await until(() => (accepted("/down").length >= 4 ? true : undefined), "the held deliveries after recovery", 90_000);
		await new Promise((r) => setTimeout(r, 3_000));
		const ids = accepted("/down").map((r) => JSON.parse(r.body).event_id);
		expect(ids.sort()).toEqual(events.map((e) => e.event_id).sort());
		expect(await api(`/api/destinations/${down.id}`)).toMatchObject({ paused: null, breaker: { status: "closed" } });
	});

	it("disables a destination that answers 410 Gone and fails its delivery", async () => {
		const gone = await create({ name: "gone", url: `${receiver.url}/gone`, event_types: ["user_signup"] });
		expect((await postEvents(stack.url, [signup("gone")])).status).toBe(202);
		const d = await until(async () => {
			const view = await api<{ enabled: boolean }>(`/api/destinations/${gone.id}`);
			return view.enabled ? undefined : view;
		}, "the 410 to disable it");
		expect(d).toMatchObject({ enabled: false, disabled_reason: "gone", paused: "gone" });
		const failed = await api<{ data: { last_error: string }[] }>(`/api/deliveries?status=failed&destination=${gone.id}`);
		expect(failed.data).toEqual([expect.objectContaining({ last_error: "HTTP 410 (410 Gone: destination disabled)" })]);
	});

	it("replays a failed delivery once the receiver accepts it, and it arrives once", async () => {
		const target = await create({ name: "replay", url: `${receiver.url}/replay`, event_types: ["usage_tracked"] });
		const sent = usage("replay");
		expect((await postEvents(stack.url, [sent])).status).toBe(202);
		const failed = await until(async () => {
			const page = await api<{ data: { id: string }[] }>(`/api/deliveries?status=failed&destination=${target.id}`);
			return page.data[0];
		}, "the rejected delivery to fail");
		expect(receiver.on("/replay").map((r) => r.status)).toEqual([400]);

		replayStatus = 200;
		await api(`/api/deliveries/${failed.id}/replay`, { method: "POST" }, 200);
		await until(() => (accepted("/replay").length === 1 ? true : undefined), "the replayed delivery");
		await new Promise((r) => setTimeout(r, 3_000));
		expect(accepted("/replay").map((r) => [r.headers["webhook-id"], JSON.parse(r.body).event_id])).toEqual([[failed.id, sent.event_id]]);
		expect(await api(`/api/deliveries/${failed.id}`)).toMatchObject({ status: "succeeded" });
	});

	it("exposes every metric name ops/ uses in a real /metrics scrape", async () => {
		// One rejected request, so the rejection counter has a series too.
		await fetch(`${stack.url}/webhook/events`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(event("user_signup", {})),
		});
		const root = path.resolve(import.meta.dirname, "../..");
		const rules = alertsInRulesFile(readFileSync(path.join(root, "ops/prometheus/alerts.yml"), "utf8"));
		const dashboard = exprsInDashboard(JSON.parse(readFileSync(path.join(root, "ops/grafana/dashboard.json"), "utf8")));
		const used = new Set([...rules.map((r) => r.expr), ...dashboard].flatMap(metricNamesInPromQL));
		const scraped = await until(async () => {
			const names = metricNamesInExposition(await scrape());
			return names.includes("webhook_events_rejected_total") ? names : undefined;
		}, "the rejection to be counted");
		expect([...used].filter((n) => !scraped.includes(n))).toEqual([]);
	});
});

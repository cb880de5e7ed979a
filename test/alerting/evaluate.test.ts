import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { evaluateAlerts } from "../../src/alerting/evaluate";
import { takeLease } from "../../src/alerting/store";
import worker from "../../src/index";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";
import { admin, adminJson, deadLetter, processEvents } from "../admin/helpers";
import { validEvent } from "../support/builders";

// The alert engine against the real local D1 and metrics objects. Nothing
// listens on 127.0.0.1:1, so Slack sends fail for real and show up as
// "failed" (the e2e suite has a real receiver).
const MIN = 60_000;
const SLACK = "http://127.0.0.1:1/slack";
const vars = (extra: Record<string, string> = {}) =>
	({ ...env, ALERT_SLACK_WEBHOOK_URL: SLACK, ALERT_COOLDOWN_SECONDS: "120", ...extra }) as Env;

beforeEach(async () => {
	await env.DB.batch([
		env.DB.prepare("DELETE FROM alert_samples"),
		env.DB.prepare("DELETE FROM alert_state"),
		env.DB.prepare("DELETE FROM alert_history"),
		env.DB.prepare("UPDATE alert_lock SET held_until = 0"),
	]);
});

const history = async () =>
	(
		await env.DB.prepare("SELECT key, kind, channels, sends FROM alert_history ORDER BY id").all<{
			key: string;
			kind: string;
			channels: string;
			sends: number;
		}>()
	).results;

describe("alert evaluation", () => {
	it("stores one sample per evaluation and reports no data for rate rules until there are two", async () => {
		const t0 = Date.now();
		const first = await evaluateAlerts(vars(), t0);
		expect(first.results.find((r) => r.key === "failure_rate_high")?.status).toBe("no_data");
		await evaluateAlerts(vars(), t0 + MIN);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM alert_samples").first("n")).toBe(2);
	});

	it("fires once when dead letters push the failure rate over 5 % of at least 20 settled events, then resolves once after the cooldown", async () => {
		const t0 = Date.now();
		await evaluateAlerts(vars(), t0);
		await processEvents(Array.from({ length: 19 }, () => validEvent("usage_tracked")));
		await deadLetter(validEvent("usage_tracked"));
		await deadLetter(validEvent("usage_tracked"));

		const fired = await evaluateAlerts(vars(), t0 + MIN);
		const rate = fired.results.find((r) => r.key === "failure_rate_high");
		expect(rate).toMatchObject({ status: "firing", summary: "2 of 21 events failed in the last 5 min (9.5 %, threshold 5.0 %)" });
		expect(fired.notifications).toContainEqual({ key: "failure_rate_high", kind: "fired", channels: { slack: "failed" } });

		// Still firing: no second message for the same incident, and the
		// failed Slack send is tried again.
		const again = await evaluateAlerts(vars(), t0 + 2 * MIN);
		expect(again.notifications.filter((n) => n.key === "failure_rate_high")).toEqual([]);
		expect(again.resent).toBeGreaterThanOrEqual(1);
		const rows = (await history()).filter((h) => h.key === "failure_rate_high");
		expect(rows).toEqual([{ key: "failure_rate_high", kind: "fired", channels: '{"slack":"failed"}', sends: 2 }]);

		// Recovery: more good events than the window's failures can outweigh.
		await processEvents(Array.from({ length: 30 }, () => validEvent("usage_tracked")));
		const clear = await evaluateAlerts(vars(), t0 + 7 * MIN);
		expect(clear.results.find((r) => r.key === "failure_rate_high")?.status).toBe("ok");
		expect(clear.notifications.filter((n) => n.key === "failure_rate_high")).toEqual([]);
		const resolved = await evaluateAlerts(vars(), t0 + 9 * MIN);
		expect(resolved.notifications).toContainEqual({ key: "failure_rate_high", kind: "resolved", channels: { slack: "failed" } });
		expect((await history()).filter((h) => h.key === "failure_rate_high").map((h) => h.kind)).toEqual(["fired", "resolved"]);
	});

	it("fires per paused destination and lists it as active", async () => {
		const created = await adminJson<{ id: string }>(
			"/api/destinations",
			{ method: "POST", body: JSON.stringify({ name: "paused one", url: "https://example.com/hook", event_types: ["never_sent"] }) },
			201,
		);
		await adminJson(`/api/destinations/${created.id}/pause`, { method: "POST" });
		const t0 = Date.now();
		const report = await evaluateAlerts(vars(), t0);
		expect(report.results).toContainEqual(expect.objectContaining({ key: `destination_paused:${created.id}`, status: "firing" }));

		const alerts = await adminJson<{ active: { key: string; summary: string }[]; recent: { key: string; kind: string }[] }>("/api/alerts");
		expect(alerts.active).toContainEqual(
			expect.objectContaining({ key: `destination_paused:${created.id}`, summary: expect.stringContaining("paused one") }),
		);
		expect(alerts.recent).toContainEqual(expect.objectContaining({ key: `destination_paused:${created.id}`, kind: "fired" }));
		await adminJson(`/api/destinations/${created.id}`, { method: "DELETE" }, 204).catch(() => {});
	});

	it("skips an evaluation while another holds the lease (409 on the API)", async () => {
		expect(await takeLease(env.DB, Date.now())).toBe(true);
		const res = await admin("/api/alerts/evaluate", { method: "POST" });
		expect(res.status).toBe(409);
		expect(res.headers.get("retry-after")).toBe("2");
		expect(await env.DB.prepare("SELECT count(*) AS n FROM alert_samples").first("n")).toBe(0);
	});

	it("evaluates from POST /api/alerts/evaluate and from the every-minute cron", async () => {
		const report = await adminJson<{ results: { key: string }[]; skipped: null }>("/api/alerts/evaluate", { method: "POST" });
		expect(report.skipped).toBeNull();
		expect(report.results.map((r) => r.key)).toEqual(
			expect.arrayContaining(["backlog_high", "failure_rate_high", "ack_p95_high", "dead_letters_new"]),
		);

		const scheduledTime = Date.now() + MIN;
		const ctx = createExecutionContext();
		await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
		await waitOnExecutionContext(ctx);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM alert_samples WHERE at = ?").bind(scheduledTime).first("n")).toBe(1);
	});
});

describe("alert evaluation: a deployment serving dev secrets", () => {
	it("fires insecure_config on the alert channel once a request to a public host was refused for a dev secret", async () => {
		const t0 = Date.now();
		await evaluateAlerts(vars(), t0);
		const body = JSON.stringify(validEvent());
		const ctx = createExecutionContext();
		const refused = await worker.fetch(
			new Request("https://hooks.example.com/webhook/events", {
				method: "POST",
				headers: { "content-type": "application/json", "x-webhook-signature": "sha256=00" },
				body,
			}),
			{ ...env, WEBHOOK_SECRET: DEV_SECRETS.WEBHOOK_SECRET } as Env,
			ctx,
		);
		await waitOnExecutionContext(ctx);
		expect(refused.status).toBe(503);

		const fired = await evaluateAlerts(vars(), t0 + MIN);
		expect(fired.results.find((r) => r.key === "insecure_config")).toMatchObject({
			status: "firing",
			summary: expect.stringContaining("insecure_secret ×1"),
		});
		expect(fired.notifications).toContainEqual({ key: "insecure_config", kind: "fired", channels: { slack: "failed" } });
	});
});

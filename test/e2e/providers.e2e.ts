// The providers scenario (`npm run events -- providers`) against a fresh
// local stack: deliveries signed as Stripe, GitHub, Shopify, Slack and a
// Standard Webhooks sender sign them, reconciled in D1, then read back
// through the admin and analytics APIs an operator uses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOptions } from "../../scripts/events/options";
import type { RunReport } from "../../scripts/events/report";
import { runScenario } from "../../scripts/events/run";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";

const TOKEN = DEV_SECRETS.ADMIN_TOKEN;
const PROVIDERS = ["stripe", "github", "shopify", "slack", "standard"];

let stack: LocalStack;
let report: RunReport;

async function api<T>(route: string): Promise<T> {
	const res = await fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
	expect(res.status, route).toBe(200);
	return (await res.json()) as T;
}

const window = (days: number) =>
	`from=${new Date(Date.now() - days * 86_400_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;

interface SourceRow {
	name: string;
	kind: string;
	signing: string;
	rate_limit: string | null;
	counters: {
		received: number;
		accepted: number;
		duplicates: number;
		control: number;
		rejected: Record<string, number>;
		last_seen: string | null;
	};
}

beforeAll(async () => {
	// wrangler dev refuses to start on a [[vars.SOURCES]] or [[ratelimits]]
	// block it cannot read, so getting here is the first check.
	stack = await startLocalStack();
	report = await runScenario(parseOptions(["providers", "--drain-timeout", "30s"]), stack);
});

afterAll(async () => {
	await stack?.stop();
});

describe("provider deliveries against the local stack", () => {
	it("lands every accepted delivery exactly once where it belongs: lost 0, double-counted 0", () => {
		expect(report.flagged).toEqual([]);
		expect(report).toMatchObject({
			ok: true,
			accepted: 9,
			duplicates: 9,
			rejected: 1,
			unavailable: 0,
			noResponse: 0,
			processed: 9,
			unhandled: 3,
			lost: 0,
			doubleCounted: 0,
			unconfirmed: 0,
		});
	});

	it("serves every [[vars.SOURCES]] entry, signed and counted by its [[ratelimits]] binding", async () => {
		const { data } = await api<{ data: SourceRow[] }>("/api/sources");
		const providers = data.filter((s) => s.name !== "direct");
		expect(providers.map((s) => [s.name, s.kind, s.signing, s.rate_limit])).toEqual(
			PROVIDERS.map((name) => [name, name, "configured", "SOURCE_RATE_LIMIT"]),
		);
	});

	it("counts each source's requests in GET /api/sources: accepted, retries as duplicates, the tampered one by reason", async () => {
		const counters = async () => {
			const { data } = await api<{ data: SourceRow[] }>("/api/sources");
			return Object.fromEntries(data.map((s) => [s.name, s.counters]));
		};
		// Counted after each response is sent, so allow a moment.
		await expect.poll(async () => (await counters()).stripe?.received, { timeout: 10_000 }).toBe(11);
		const byName = await counters();
		expect(byName.stripe).toMatchObject({ received: 11, accepted: 5, duplicates: 5, control: 0, rejected: { signature_mismatch: 1 } });
		for (const name of ["github", "shopify", "standard"]) {
			expect(byName[name], name).toMatchObject({ received: 2, accepted: 1, duplicates: 1, control: 0, rejected: {} });
		}
		// The URL check is a control answer, not a received event.
		expect(byName.slack).toMatchObject({ received: 2, accepted: 1, duplicates: 1, control: 1, rejected: {} });
		for (const name of PROVIDERS) expect(Date.parse(byName[name]?.last_seen ?? ""), name).toBeGreaterThan(Date.now() - 120_000);
	});

	it("stores the Slack message but never the URL check", async () => {
		const slack = await api<{ data: { event_type: string; status: string }[] }>("/api/events?source=slack");
		expect(slack.data.map((e) => `${e.status} ${e.event_type}`)).toEqual(["unhandled message"]);
	});

	it("shows the Stripe subscription in MRR at its monthly price in major units until it was canceled", async () => {
		type Level = { mrr: number; subscriptions: number; by_plan: Record<string, { mrr: number; subscriptions: number }> };
		const mrr = await api<{ current: Record<string, Level>; series: { bucket: string; by_currency: Record<string, Level> }[] }>(
			`/api/analytics/mrr?${window(4)}&interval=hour`,
		);
		const paying = mrr.series.filter((p) => p.by_currency.USD);
		// Active for three days, then past_due (still earning), then canceled.
		expect(paying.length).toBeGreaterThanOrEqual(70);
		for (const point of paying) {
			expect(point.by_currency.USD).toEqual({ mrr: 49, subscriptions: 1, by_plan: { pro_monthly: { mrr: 49, subscriptions: 1 } } });
		}
		expect(mrr.current).toEqual({});
	});

	it("counts the failed invoice once in /api/analytics/payments, at the signed amount, not the tampered one", async () => {
		const payments = await api<{ failures: number; by_currency: Record<string, { failures: number; amount: number }> }>(
			`/api/analytics/payments?${window(1)}&interval=hour`,
		);
		expect(payments.failures).toBe(1);
		expect(payments.by_currency).toEqual({ USD: { failures: 1, amount: 49 } });
	});
});

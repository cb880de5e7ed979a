// The providers scenario (`npm run events -- providers`) against a fresh
// local stack: deliveries from every preset, signed as each provider signs
// them, reconciled in D1, then read back through the admin and analytics
// APIs an operator uses.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOptions } from "../../scripts/events/options";
import { planProviderRun } from "../../scripts/events/providers/deliveries";
import type { RunReport } from "../../scripts/events/report";
import { runScenario } from "../../scripts/events/run";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";
import { PRESET_KINDS } from "../../src/sources/presets";

const TOKEN = DEV_SECRETS.ADMIN_TOKEN;
// The sources wrangler.toml declares; every other preset is served from its defaults.
const PROVIDERS = ["stripe", "github", "shopify", "slack", "standard"];
// What the scenario sends (its ids differ per run, its shape does not).
const PLAN = planProviderRun("shape", Date.now());

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
		const deliveries = PLAN.deliveries.length;
		expect(deliveries).toBeGreaterThanOrEqual(PRESET_KINDS.length);
		expect(report).toMatchObject({
			ok: true,
			accepted: deliveries,
			duplicates: deliveries,
			rejected: 1,
			unavailable: 0,
			noResponse: 0,
			processed: deliveries,
			unhandled: PLAN.deliveries.filter((d) => d.landing.status === "unhandled").length,
			lost: 0,
			doubleCounted: 0,
			unconfirmed: 0,
		});
	});

	it("serves every [[vars.SOURCES]] entry and every other preset, signed and counted by its [[ratelimits]] binding", async () => {
		const { data } = await api<{ data: SourceRow[] }>("/api/sources");
		const providers = data.filter((s) => s.name !== "direct");
		expect(providers.slice(0, PROVIDERS.length).map((s) => s.name)).toEqual(PROVIDERS);
		expect(providers.map((s) => s.name).sort()).toEqual([...PRESET_KINDS].sort());
		for (const s of providers) expect([s.kind, s.signing, s.rate_limit], s.name).toEqual([s.name, "configured", "SOURCE_RATE_LIMIT"]);
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
		const paying = mrr.series.filter((p) => p.by_currency.USD?.by_plan.pro_monthly);
		// Active for three days, then past_due (still earning), then canceled.
		expect(paying.length).toBeGreaterThanOrEqual(70);
		for (const point of paying) expect(point.by_currency.USD?.by_plan.pro_monthly).toEqual({ mrr: 49, subscriptions: 1 });
		// What earns now: Paddle's 4900-cent monthly subscription and Chargebee's 2 × 24.50 EUR seats.
		expect(mrr.current).toEqual({
			USD: { mrr: 49, subscriptions: 1, by_plan: { "Pro monthly": { mrr: 49, subscriptions: 1 } } },
			EUR: { mrr: 49, subscriptions: 1, by_plan: { "pro-EUR-monthly": { mrr: 49, subscriptions: 1 } } },
		});
	});

	it("counts each failed payment once in /api/analytics/payments, in major units, the Stripe one at the signed amount, not the tampered one", async () => {
		const payments = await api<{ failures: number; by_currency: Record<string, { failures: number; amount: number }> }>(
			`/api/analytics/payments?${window(1)}&interval=hour`,
		);
		// Stripe and Paddle (USD), Chargebee (EUR), Razorpay (INR), Paystack (NGN).
		expect(payments.failures).toBe(5);
		expect(payments.by_currency).toEqual({
			USD: { failures: 2, amount: 98 },
			EUR: { failures: 1, amount: 49 },
			INR: { failures: 1, amount: 499 },
			NGN: { failures: 1, amount: 5000 },
		});
	});

	it("counts the Clerk, WorkOS and Supabase signups beside Stripe's and Shopify's", async () => {
		const signups = await api<{ by_source: Record<string, number> }>(`/api/analytics/signups?${window(4)}&interval=day`);
		expect(signups.by_source).toMatchObject({ clerk: 1, workos: 1, supabase: 1, stripe: 1, shopify: 1 });
	});
});

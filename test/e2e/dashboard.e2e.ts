// The dashboard in a real browser (Debian's chromium driven by playwright-core)
// against the real local stack: token prompt, numbers that match the API,
// a dead letter replayed by clicking, and the README screenshots.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planProviderRun } from "../../scripts/events/providers/deliveries";
import { loadProviderSecrets } from "../../scripts/events/providers/secrets";
import { signDelivery } from "../../scripts/events/providers/sign";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import { signBody } from "../../src/shared/crypto";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";
import { PRESET_KINDS } from "../../src/sources/presets";
import { type Browser, openBrowser } from "./browser";
import { until } from "./support";

const SECRET = DEV_SECRETS.WEBHOOK_SECRET;
const TOKEN = DEV_SECRETS.ADMIN_TOKEN;
// The README's screenshots are refreshed only on request
// (UPDATE_SCREENSHOTS=1); ordinary runs write them to a scratch directory so
// a test run never dirties the checkout.
const DOCS = process.env.UPDATE_SCREENSHOTS
	? path.resolve(import.meta.dirname, "../../docs")
	: path.join(tmpdir(), "webhook-dashboard-screenshots");
let stack: LocalStack;
let browser: Browser;
let page: Page;
let browserErrors: string[] = [];

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

// 6 signups, 3 subscriptions (one yearly in EUR), 8 usage events, 1 type with
// no handler, and 1 poison usage event (negative quantity) to dead-letter.
function scenario() {
	const events: Record<string, unknown>[] = [];
	const add = (event_type: string, user_id: string, metadata: Record<string, unknown> | undefined, ago: number) =>
		events.push({
			event_id: `dash_${events.length}_${Date.now()}`,
			event_type,
			timestamp: minutesAgo(ago),
			user_id,
			...(metadata ? { metadata } : {}),
		});
	const sources = ["google", "google", "google", "direct", "direct", "newsletter"];
	for (const [i, source] of sources.entries()) {
		add("user_signup", `dash_user_${i}`, { email: `u${i}@example.com`, plan: i % 2 ? "pro" : "free", source }, 50 - i);
	}
	add("subscription_created", "dash_user_0", { plan: "pro", amount: 29, currency: "USD", interval: "month" }, 30);
	add("subscription_created", "dash_user_1", { plan: "pro", amount: 29, currency: "USD", interval: "month" }, 25);
	add("subscription_created", "dash_user_2", { plan: "team", amount: 240, currency: "EUR", interval: "year" }, 20);
	for (let i = 0; i < 8; i++)
		add("usage_tracked", `dash_user_${i % 3}`, { feature: i % 2 ? "exports" : "api_calls", quantity: 10 * (i + 1) }, 15 - i);
	add("invoice_paid", "dash_user_0", { amount: 29 }, 5);
	add("usage_tracked", "dash_user_1", { feature: "exports", quantity: -3 }, 4);
	return events;
}

async function api<T = Record<string, unknown>>(route: string): Promise<T> {
	const res = await fetch(`${stack.url}${route}`, { headers: { authorization: `Bearer ${TOKEN}` } });
	expect(res.status, route).toBe(200);
	return (await res.json()) as T;
}

const text = (selector: string) => page.locator(selector).first().getAttribute("data-value");

beforeAll(async () => {
	stack = await startLocalStack();
	const body = JSON.stringify({ events: scenario() });
	const res = await fetch(`${stack.url}/webhook/batch`, {
		method: "POST",
		headers: { "content-type": "application/json", "x-webhook-signature": `sha256=${await signBody(SECRET, body)}` },
		body,
	});
	expect(res.status).toBe(202);
	expect(await res.json()).toMatchObject({ accepted: 19 });
	await until(async () => {
		const stats = await api<{ processed: number; unhandled: number; dead_lettered: number }>("/api/stats?window=1h");
		return stats.processed === 17 && stats.unhandled === 1 && stats.dead_lettered === 1 ? stats : undefined;
	}, "the pipeline to settle all 19 events");

	// One Stripe invoice.payment_failed (49 USD), and a tampered copy of it,
	// for the Sources and Failed payments panels.
	const { of: invoice, body: tampered } = planProviderRun(`dash${Date.now()}`, Date.now()).tampered;
	const stripe = await signDelivery("stripe", invoice.body, { secret: loadProviderSecrets().stripe, headers: invoice.headers });
	for (const [body, status] of [
		[invoice.body, 202],
		[tampered, 401],
	] as const) {
		const sent = await fetch(`${stack.url}/webhook/stripe`, { method: "POST", headers: stripe.headers, body });
		expect(sent.status).toBe(status);
	}
	await until(async () => {
		const payments = await api<{ failures: number }>(`/api/analytics/payments?from=${minutesAgo(60)}`);
		return payments.failures === 1 ? payments : undefined;
	}, "the failed payment to be stored");

	browser = await openBrowser();
	page = browser.page;
	browserErrors = browser.errors;
});

afterAll(async () => {
	await browser?.close();
	await stack?.stop();
});

describe("dashboard at /dashboard", () => {
	it("is a static asset with a strict CSP, while API paths still reach the Worker", async () => {
		const res = await fetch(`${stack.url}/dashboard/`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toContain("text/html");
		expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
		expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
		expect(res.headers.get("x-content-type-options")).toBe("nosniff");
		expect(res.headers.get("referrer-policy")).toBe("no-referrer");
		for (const route of ["/health", "/openapi.json"])
			expect((await fetch(`${stack.url}${route}`)).headers.get("content-type"), route).toContain("application/json");
		expect((await fetch(`${stack.url}/api/stats`)).status).toBe(401);
		expect((await fetch(`${stack.url}/metrics`)).status).toBe(401);
	});

	it("asks for the token once, then shows the same numbers as the API", async () => {
		await page.goto(`${stack.url}/dashboard`);
		await page.locator("#token").fill(TOKEN);
		await page.getByRole("button", { name: "Open dashboard" }).click();
		await page.locator('[data-kpi="processed"][data-value]').waitFor();
		await page.locator("#dead-letters tr[data-dead-letter]").first().waitFor();
		await page.locator('[data-analytics="funnel-rate"]').waitFor();

		const stats = await api<{
			processed: number;
			dead_lettered: number;
			received: { total: number };
			backlog: { pending: number };
			by_type: { event_type: string; processed: number }[];
		}>("/api/stats?window=1h");
		expect(await text('[data-kpi="processed"]')).toBe(String(stats.processed));
		expect(await text('[data-kpi="dead_lettered"]')).toBe(String(stats.dead_lettered));
		expect(await text('[data-kpi="received"]')).toBe(String(stats.received.total));
		expect(await text('[data-kpi="backlog"]')).toBe(String(stats.backlog.pending));
		for (const type of stats.by_type) {
			expect(await text(`#type-mix tr[data-type="${type.event_type}"] td:nth-child(2)`), type.event_type).toBe(String(type.processed));
		}

		const range = `from=${minutesAgo(24 * 60)}&to=${new Date(Date.now() + 60_000).toISOString()}`;
		const signups = await api<{ total: number }>(`/api/analytics/signups?${range}`);
		const mrr = await api<{ current: Record<string, { mrr: number }> }>(`/api/analytics/mrr?${range}`);
		const funnel = await api<{ conversion_rate: number }>(`/api/analytics/funnel?${range}`);
		expect(signups.total).toBe(6);
		expect(await text('[data-analytics="signups-total"]')).toBe("6");
		expect(mrr.current).toMatchObject({ USD: { mrr: 58 }, EUR: { mrr: 20 } });
		expect(await text('#mrr-current [data-currency="USD"]')).toBe("58");
		expect(await text('#mrr-current [data-currency="EUR"]')).toBe("20");
		expect(await text('[data-analytics="funnel-rate"]')).toBe(String(funnel.conversion_rate));
		expect(await page.locator("#top-users li").count()).toBe(3);

		// A reload keeps the token (session storage): no second prompt.
		await page.reload();
		await page.locator('[data-kpi="processed"][data-value]').waitFor();
		expect(await page.locator("#login").isHidden()).toBe(true);

		mkdirSync(DOCS, { recursive: true });
		await page.waitForTimeout(300);
		await page.screenshot({ path: path.join(DOCS, "dashboard.png"), fullPage: true });
	});

	it("fits a phone-sized screen", async () => {
		await page.setViewportSize({ width: 390, height: 844 });
		await page.waitForTimeout(500);
		const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
		expect(overflow).toBeLessThanOrEqual(0);
		await page.screenshot({ path: path.join(DOCS, "dashboard-phone.png"), fullPage: false });
		await page.setViewportSize({ width: 1280, height: 900 });
	});

	it("replays a dead letter by clicking Replay", async () => {
		const row = page.locator("#dead-letters tr[data-dead-letter]").first();
		const id = Number(await row.getAttribute("data-dead-letter"));
		await row.getByRole("button", { name: "Replay" }).click();
		await expect.poll(() => page.locator("#toast").textContent()).toBe(`Dead letter ${id} replayed`);
		const letter = await api<{ status: string; resolved_at: number | null }>(`/api/dead-letters/${id}`);
		expect(letter.status).toBe("replayed");
		expect(letter.resolved_at).not.toBeNull();
		await expect.poll(() => page.locator(`#dead-letters tr[data-dead-letter="${id}"]`).count()).toBe(0);
	});

	it("lists every source with its signing status and the same counters as GET /api/sources", async () => {
		type Source = { name: string; signing: string; counters: { received: number; accepted: number; duplicates: number } };
		const { data } = await api<{ data: Source[] }>("/api/sources");
		// Every preset is a source, whether wrangler.toml declares it or not.
		expect(data.map((s) => s.name)).toEqual(["direct", ...PRESET_KINDS]);
		const cell = (source: string, column: number) => text(`#sources tr[data-source="${source}"] td:nth-child(${column})`);
		for (const s of data) {
			await expect.poll(() => cell(s.name, 4), { message: s.name }).toBe(String(s.counters.received));
			expect(await cell(s.name, 5), s.name).toBe(String(s.counters.accepted));
			expect(await cell(s.name, 6), s.name).toBe(String(s.counters.duplicates));
			expect(await page.locator(`#sources tr[data-source="${s.name}"] [data-signing]`).getAttribute("data-signing")).toBe(s.signing);
		}
		expect(data.find((s) => s.name === "stripe")?.counters).toMatchObject({ received: 2, accepted: 1 });
		// The tampered delivery: one rejection, its reason on hover.
		const rejected = page.locator('#sources tr[data-source="stripe"] td:nth-child(7)');
		expect(await rejected.getAttribute("data-value")).toBe("1");
		expect(await rejected.getAttribute("title")).toContain("signature_mismatch");
		expect(await page.locator('#sources tr[data-source="stripe"] td:nth-child(3)').textContent()).toBe("configured");
	});

	it("shows the failed Stripe payment of the window, by currency", async () => {
		await expect.poll(() => text('[data-payments="failures"]')).toBe("1");
		const usd = page.locator('#payments-by-currency [data-currency="USD"]');
		expect(await usd.getAttribute("data-value")).toBe("49");
		expect(await usd.textContent()).toBe("$49.00 · 1 failed");
	});

	it("logged no browser errors (CSP, scripts, failed requests)", () => {
		expect(browserErrors).toEqual([]);
	});
});

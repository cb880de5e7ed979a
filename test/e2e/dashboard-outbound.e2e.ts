// The dashboard's destinations and alerts panels in a real browser (Debian's
// chromium via playwright-core) against the real local stack and a real
// receiver: success rates and last errors as the API has them, pause and
// resume, replaying failed deliveries, and evaluating alerts by clicking.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalStack, startLocalStack } from "../../scripts/stack/local-stack";
import { type Browser, openBrowser } from "./browser";
import { ADMIN_TOKEN, adminApi, postEvents, type Receiver, signup, startReceiver, until, usage } from "./support";

let stack: LocalStack;
let receiver: Receiver;
let api: ReturnType<typeof adminApi>;
let browser: Browser;
let page: Page;
let downIsUp = false;
const ids: Record<string, string> = {};

interface View {
	breaker: { status: string };
	stats: { success_rate: number | null; failed: number; succeeded: number };
}

beforeAll(async () => {
	receiver = await startReceiver((r) => (r.path === "/down" && !downIsUp ? { status: 503 } : { status: 200 }));
	stack = await startLocalStack({ vars: { DELIVERY_BACKOFF_BASE_SECONDS: "1", DELIVERY_BACKOFF_CAP_SECONDS: "2" } });
	api = adminApi(stack.url);
	const create = async (name: string, body: Record<string, unknown>) => {
		ids[name] = (await api<{ id: string }>("/api/destinations", { method: "POST", body: { name, event_types: ["*"], ...body } }, 201)).id;
	};
	await create("healthy", { url: `${receiver.url}/ok` });
	await create("failing", { url: `${receiver.url}/down`, max_attempts: 1 });
	await create("parked", { url: `${receiver.url}/ok`, event_types: ["never_sent"] });
	await api(`/api/destinations/${ids.parked}/pause`, { method: "POST" }, 200);
	expect((await postEvents(stack.url, [signup("dash"), usage("dash"), usage("dash")])).status).toBe(202);
	await until(async () => {
		const [ok, bad] = await Promise.all([api<View>(`/api/destinations/${ids.healthy}`), api<View>(`/api/destinations/${ids.failing}`)]);
		return ok.stats.succeeded === 3 && bad.stats.failed === 3 ? true : undefined;
	}, "3 delivered and 3 failed");

	browser = await openBrowser();
	page = browser.page;
	await page.goto(`${stack.url}/dashboard`);
	await page.locator("#token").fill(ADMIN_TOKEN);
	await page.getByRole("button", { name: "Open dashboard" }).click();
	await page.locator(`#destinations tr[data-destination="${ids.failing}"]`).waitFor();
});

afterAll(async () => {
	await browser?.close();
	await stack?.stop();
	await receiver?.close();
});

const row = (name: string) => page.locator(`#destinations tr[data-destination="${ids[name]}"]`);
const toastText = () => page.locator("#toast").textContent();

describe("dashboard: destinations and alerts", () => {
	it("shows each destination's state, success rate and last error as the API has them", async () => {
		expect(await row("healthy").locator("td.rate").getAttribute("data-value")).toBe("1");
		expect(await row("failing").locator("td.rate").getAttribute("data-value")).toBe("0");
		expect(await row("failing").locator("td.error-text").textContent()).toContain("HTTP 503");
		expect(await row("parked").locator(".pill").textContent()).toBe("paused");
		expect(await row("healthy").locator(".pill").textContent()).toBe("delivering");
	});

	it("pauses and resumes a destination by clicking", async () => {
		await row("healthy").getByRole("button", { name: "Pause" }).click();
		await expect.poll(toastText).toBe("healthy paused");
		expect((await api<View>(`/api/destinations/${ids.healthy}`)).breaker.status).toBe("paused");
		await row("healthy").getByRole("button", { name: "Resume" }).click();
		await expect.poll(toastText).toBe("healthy resumed");
		expect((await api<View>(`/api/destinations/${ids.healthy}`)).breaker.status).toBe("closed");
	});

	it("replays a destination's failed deliveries, which then arrive once each", async () => {
		downIsUp = true;
		await row("failing").getByRole("button", { name: "Replay failed" }).click();
		await expect.poll(toastText).toBe("Replayed 3 failed deliveries to failing");
		await until(() => (receiver.on("/down").filter((r) => r.status === 200).length === 3 ? true : undefined), "the replayed deliveries");
		const delivered = receiver.on("/down").filter((r) => r.status === 200);
		expect(new Set(delivered.map((r) => r.headers["webhook-id"])).size).toBe(3);
	});

	it("evaluates alerts by clicking and lists the paused destination's alert", async () => {
		await page.locator("#evaluate").click();
		await expect.poll(toastText).toMatch(/^Evaluated: \d+ firing/);
		await page.locator(`#alerts tr[data-alert="destination_paused:${ids.parked}"]`).first().waitFor();
		expect(
			await page.locator(`#alerts tr[data-alert="destination_paused:${ids.parked}"][data-kind="firing"] td.summary`).textContent(),
		).toContain('"parked"');
	});

	it("logged no browser errors", () => {
		expect(browser.errors).toEqual([]);
	});
});

// Headless Chromium for the dashboard tests: Debian's chromium driven by
// playwright-core (no browser download), with a throwaway profile, and every
// console error or page error collected so a test can assert there were none.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export interface Browser {
	context: BrowserContext;
	page: Page;
	errors: string[];
	close(): Promise<void>;
}

export async function openBrowser(): Promise<Browser> {
	const profile = mkdtempSync(path.join(tmpdir(), "dashboard-chromium-"));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: [
			"--no-sandbox",
			"--headless",
			"--disable-gpu",
			"--disable-quic",
			"--no-first-run",
			"--disable-background-networking",
			"--disable-component-update",
			"--disable-sync",
		],
		viewport: { width: 1280, height: 900 },
	});
	const page = context.pages()[0] ?? (await context.newPage());
	const errors: string[] = [];
	page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
	page.on("pageerror", (e) => errors.push(String(e)));
	return {
		context,
		page,
		errors,
		async close() {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

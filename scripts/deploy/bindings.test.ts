// What the Deploy to Cloudflare button reads: it prompts for every secret in
// .dev.vars.example, pre-filled with the example's value, and shows
// package.json's cloudflare.bindings.<NAME>.description beside it.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";
import { parseDevVars } from "../events/providers/secrets";

const ROOT = path.resolve(import.meta.dirname, "../..");
const example = readFileSync(path.join(ROOT, ".dev.vars.example"), "utf8");
// Commented-out entries (the optional alert channels) count too.
const exampleVars = parseDevVars(example.replace(/^#\s*(?=[A-Z_][A-Z0-9_]*=)/gm, ""));
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
	scripts: Record<string, string>;
	cloudflare: { bindings: Record<string, { description: string }> };
};

describe("Deploy to Cloudflare: secrets", () => {
	it("describes every secret in .dev.vars.example, saying how to get or generate it", () => {
		expect(Object.keys(exampleVars)).toEqual(expect.arrayContaining(["WEBHOOK_SECRET", "ADMIN_TOKEN"]));
		for (const name of Object.keys(exampleVars)) {
			const description = pkg.cloudflare.bindings[name]?.description ?? "";
			expect(description.length, name).toBeGreaterThan(60);
		}
		expect(pkg.cloudflare.bindings.WEBHOOK_SECRET?.description).toContain("openssl rand -hex 32");
		expect(pkg.cloudflare.bindings.STRIPE_WEBHOOK_SECRET?.description).toContain("whsec_");
	});

	it("the dev values module lists exactly the values .dev.vars.example publishes", () => {
		const published = Object.fromEntries(Object.entries(exampleVars).filter(([, value]) => !/^https?:/.test(value)));
		expect(DEV_SECRETS).toEqual(published);
	});

	it("deploy migrates remotely, then deploys; setup and doctor exist", () => {
		expect(pkg.scripts.deploy).toBe("tsx scripts/deploy/deploy.ts");
		expect(pkg.scripts.setup).toBe("tsx scripts/deploy/setup.ts");
		expect(pkg.scripts.doctor).toBe("tsx scripts/deploy/doctor.ts");
	});
});

describe("Deploy to Cloudflare: docs", () => {
	const button =
		/\[!\[Deploy to Cloudflare\]\(https:\/\/deploy\.workers\.cloudflare\.com\/button\)\]\((https:\/\/deploy\.workers\.cloudflare\.com\/\?url=[^)\s]+)\)/;
	const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
	const configuration = readFileSync(path.join(ROOT, "docs/configuration.md"), "utf8");

	it("the README carries the button at the top, and says which URL to substitute", () => {
		const match = button.exec(readme);
		expect(match?.index).toBeLessThan(readme.indexOf("\n## "));
		expect(readme).toContain("replace `OWNER/edge-webhook-pipeline` in the\nbutton's `?url=`");
	});

	it("docs/configuration.md starts with the same button and npm run setup, then what setup does", () => {
		const firstSection = configuration.slice(0, configuration.indexOf("\n## ", configuration.indexOf("\n## ") + 1));
		expect(button.exec(firstSection)?.[1]).toBe(button.exec(readme)?.[1]);
		expect(firstSection).toContain("npm run setup -- --dry-run");
		expect(configuration.indexOf("### What setup does")).toBeLessThan(configuration.indexOf("## Bindings"));
	});
});

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";
import { checkNoIds, checkSecrets, checkVars } from "./doctor";
import { ROOT, readTarget } from "./target";

const repoVars = readTarget().vars;
const errors = (vars: Record<string, unknown>) =>
	checkVars({ ...repoVars, ...vars })
		.findings.filter((f) => f.level === "error")
		.map((f) => f.text);

describe("doctor: vars, with the Worker's own schemas", () => {
	it("passes the repo's wrangler.toml", () => {
		expect(errors({})).toEqual([]);
		expect(checkNoIds(readFileSync(path.join(ROOT, "wrangler.toml"), "utf8"))).toEqual([expect.objectContaining({ level: "ok" })]);
	});

	it('fails MAX_BODY_BYTES="1mb", naming the var and the value', () => {
		expect(errors({ MAX_BODY_BYTES: "1mb" })).toEqual([expect.stringMatching(/^MAX_BODY_BYTES="1mb" must be a whole number/)]);
	});

	it("fails a bad SOURCES entry and bad ALERT_RULES, field by field", () => {
		const sources = [...(repoVars.SOURCES as unknown[]), { name: "stripe", kind: "paypal", secretVars: [] }];
		const found = errors({ SOURCES: sources, ALERT_RULES: '{"backlog_high":{"threshold":-1}}' });
		expect(found).toEqual(
			expect.arrayContaining([
				expect.stringContaining("SOURCES [5].kind"),
				expect.stringContaining("SOURCES [5].name: duplicates"),
				expect.stringContaining("backlog_high.threshold"),
			]),
		);
		expect(errors({ ALERT_RULES: "{nope" })).toEqual([expect.stringContaining("ALERT_RULES is not JSON")]);
	});

	it("flags account ids", () => {
		expect(checkNoIds('database_id = "0000"\naccount_id = "abc"')[0]).toMatchObject({ level: "error" });
	});
});

describe("doctor: secrets", () => {
	const sources = checkVars(repoVars).sources;

	it("lists each configured source's missing secret, and flags dev values wherever they are set", () => {
		const findings = checkSecrets(sources, [
			{
				name: "the environment",
				vars: { WEBHOOK_SECRET: "a-real-secret", GITHUB_WEBHOOK_SECRET: `${DEV_SECRETS.GITHUB_WEBHOOK_SECRET}\n` },
			},
			{ name: ".dev.vars", vars: { ADMIN_TOKEN: DEV_SECRETS.ADMIN_TOKEN } },
		]);
		const text = (name: string) => findings.find((f) => f.text.startsWith(`${name} `));
		expect(text("WEBHOOK_SECRET")).toMatchObject({ level: "ok" });
		expect(text("ADMIN_TOKEN")).toMatchObject({ level: "warn", text: expect.stringContaining("published dev value (in .dev.vars)") });
		expect(text("GITHUB_WEBHOOK_SECRET")).toMatchObject({ level: "warn", text: expect.stringContaining("dev value") });
		expect(text("STRIPE_WEBHOOK_SECRET")).toMatchObject({
			level: "warn",
			text: expect.stringContaining("secret put STRIPE_WEBHOOK_SECRET"),
		});
	});
});

describe("npm run doctor", () => {
	const dir = mkdtempSync(path.join(tmpdir(), "doctor-test-"));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	it("exits 1 on a config error and 0 once it is fixed", { timeout: 60_000 }, async () => {
		const config = path.join(dir, "wrangler.toml");
		const toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
		const run = () =>
			promisify(execFile)(
				process.execPath,
				[path.join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/deploy/doctor.ts", "--config", config],
				{
					cwd: ROOT,
				},
			).then(
				(r) => ({ code: 0, out: r.stdout }),
				(e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
			);
		writeFileSync(config, toml.replace("\n[vars]\n", '\n[vars]\nMAX_BODY_BYTES = "1mb"\n'));
		const bad = await run();
		expect(bad.code).toBe(1);
		expect(bad.out).toContain('✗ MAX_BODY_BYTES="1mb"');
		writeFileSync(config, toml);
		expect((await run()).code).toBe(0);
	});
});

// The real setup and deploy scripts, run as `npm run` runs them, against a
// stub `wrangler` first on PATH that records its calls and keeps a fake
// account (stub-wrangler.mjs): nothing here contacts Cloudflare. The smoke
// test's "deployed Worker" is a small server on 127.0.0.1 that checks the
// signature with the secret setup put, and reports a backlog that drains.
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { archiveDaysFor, deployedUrl, lifecycleRuleNames, lifecycleRules } from "./resources";
import { parseArgs } from "./setup";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

interface Call {
	args: string[];
	stdin: string;
}
interface Account {
	loggedIn: boolean;
	queues: string[];
	d1: string[];
	buckets: Record<string, { name: string; prefix: string; days: number }[]>;
	workers: Record<string, { secrets: Record<string, string>; deployed: number }>;
	migrated?: boolean;
}

let dir: string;
let server: Server;
let url: string;
let received: { path: string; signatureValid: boolean; authorized: boolean }[];

const readAccount = (): Account => JSON.parse(readFileSync(path.join(dir, "state.json"), "utf8"));
const calls = (): Call[] =>
	readFileSync(path.join(dir, "calls.log"), "utf8")
		.split("\n")
		.filter(Boolean)
		.map((l) => JSON.parse(l) as Call);
const line = (c: Call) => c.args.join(" ");

function emptyAccount(overrides: Partial<Account> = {}): void {
	const account: Account = { loggedIn: true, queues: [], d1: [], buckets: {}, workers: {}, ...overrides };
	writeFileSync(path.join(dir, "state.json"), JSON.stringify(account));
	writeFileSync(path.join(dir, "calls.log"), "");
}

async function run(script: "setup" | "deploy", args: string[], env: Record<string, string> = {}) {
	try {
		const { stdout, stderr } = await promisify(execFile)(process.execPath, [TSX, `scripts/deploy/${script}.ts`, ...args], {
			cwd: ROOT,
			env: {
				...process.env,
				// The stub first: the scripts run whatever `wrangler` PATH finds.
				PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
				STUB_WRANGLER_STATE: path.join(dir, "state.json"),
				STUB_WRANGLER_LOG: path.join(dir, "calls.log"),
				WEBHOOK_SECRET: "",
				ADMIN_TOKEN: "",
				...env,
			},
			timeout: 60_000,
		});
		return { code: 0, stdout, stderr };
	} catch (err) {
		const e = err as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

const setup = (args: string[] = [], env: Record<string, string> = {}) => run("setup", ["--url", url, ...args], env);

beforeEach(async () => {
	dir = mkdtempSync(path.join(tmpdir(), "setup-test-"));
	const bin = path.join(dir, "bin");
	await promisify(execFile)("mkdir", [bin]);
	copyFileSync(path.join(import.meta.dirname, "stub-wrangler.mjs"), path.join(bin, "wrangler"));
	emptyAccount();
	received = [];
	let backlog = 0;
	server = createServer((req, res) => {
		let body = "";
		req.on("data", (d) => {
			body += d;
		});
		req.on("end", () => {
			const secrets = readAccount().workers["webhook-pipeline"]?.secrets ?? {};
			const expected = `sha256=${createHmac("sha256", secrets.WEBHOOK_SECRET ?? "")
				.update(body)
				.digest("hex")}`;
			const signatureValid = !!secrets.WEBHOOK_SECRET && req.headers["x-webhook-signature"] === expected;
			const authorized = !!secrets.ADMIN_TOKEN && req.headers.authorization === `Bearer ${secrets.ADMIN_TOKEN}`;
			received.push({ path: req.url ?? "", signatureValid, authorized });
			res.setHeader("content-type", "application/json");
			if (req.method === "POST" && req.url === "/webhook/events") {
				if (!signatureValid) return res.writeHead(401).end('{"error":"invalid_signature"}');
				backlog = 1;
				return res.writeHead(202).end('{"status":"accepted"}');
			}
			if (req.url === "/api/health" && authorized) {
				const now = backlog;
				backlog = 0; // drains after the first look
				return res.writeHead(200).end(JSON.stringify({ events: { backlog: now } }));
			}
			res.writeHead(404).end('{"error":"not_found"}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
	server.close();
	rmSync(dir, { recursive: true, force: true });
});

// The index of the first call matching, -1 when none does.
const first = (all: Call[], pattern: RegExp) => all.findIndex((c) => pattern.test(line(c)));

describe("npm run setup", { timeout: 90_000 }, () => {
	it("--dry-run prints the plan (queues, secrets, migrations, deploy) and runs nothing", async () => {
		emptyAccount({ loggedIn: false });
		const { code, stdout } = await run("setup", ["--dry-run"]);
		expect(code).toBe(0);
		for (const expected of [
			"wrangler queues create webhook-events",
			"wrangler queues create webhook-deliveries-dlq",
			"wrangler d1 create webhook-pipeline",
			"wrangler r2 bucket create webhook-payloads",
			"expire-archive archive/ --expire-days 365",
			"secrets WEBHOOK_SECRET, ADMIN_TOKEN",
			"0001_events.sql",
			"wrangler d1 migrations apply DB --remote",
			"wrangler deploy",
			"/webhook/stripe",
			"/dashboard/",
		]) {
			expect(stdout).toContain(expected);
		}
		expect(stdout.indexOf("queues create")).toBeLessThan(stdout.indexOf("secret bulk"));
		expect(stdout.indexOf("secret bulk")).toBeLessThan(stdout.indexOf("migrations apply"));
		expect(stdout.indexOf("migrations apply")).toBeLessThan(stdout.indexOf("wrangler deploy"));
		expect(calls()).toEqual([]);
	});

	it("on an empty account creates everything in order, puts generated secrets once, deploys and smoke-tests", async () => {
		const { code, stdout, stderr } = await setup();
		expect(code, stdout + stderr).toBe(0);
		const all = calls();
		const order = [
			/^whoami/,
			/^queues create webhook-events$/,
			/^queues create webhook-deliveries-dlq$/,
			/^d1 create webhook-pipeline$/,
			/^r2 bucket create webhook-payloads$/,
			/^r2 bucket lifecycle add webhook-payloads expire-payloads payloads\/ --expire-days 365/,
			/^r2 bucket lifecycle add webhook-payloads expire-archive archive\/ --expire-days 365/,
			/^secret bulk$/,
			/^d1 migrations apply DB --remote$/,
			/^deploy$/,
		].map((p) => first(all, p));
		expect(order).not.toContain(-1);
		expect([...order].sort((a, b) => a - b)).toEqual(order);

		const account = readAccount();
		expect(account.queues.sort()).toEqual(["webhook-deliveries", "webhook-deliveries-dlq", "webhook-events", "webhook-events-dlq"]);
		expect(account.buckets["webhook-payloads"]?.map((r) => r.prefix)).toEqual(["payloads/", "dead-letters/", "archive/"]);
		const { WEBHOOK_SECRET, ADMIN_TOKEN } = account.workers["webhook-pipeline"]?.secrets ?? {};
		expect(WEBHOOK_SECRET).toMatch(/^[0-9a-f]{64}$/);
		expect(ADMIN_TOKEN).toMatch(/^[0-9a-f]{64}$/);
		expect(ADMIN_TOKEN).not.toBe(WEBHOOK_SECRET);
		// Shown once, and never passed in an argument.
		expect(stdout.split(WEBHOOK_SECRET as string)).toHaveLength(2);
		expect(stdout.split(ADMIN_TOKEN as string)).toHaveLength(2);
		expect(stderr).not.toContain(WEBHOOK_SECRET);
		expect(all.flatMap((c) => c.args).join(" ")).not.toContain(WEBHOOK_SECRET);

		// The smoke test: a correctly signed event, then the backlog with the token.
		expect(received[0]).toMatchObject({ path: "/webhook/events", signatureValid: true });
		expect(received.some((r) => r.path === "/api/health" && r.authorized)).toBe(true);
		expect(stdout).toContain("✓ a signed event");
		expect(stdout).toContain("✓ the backlog drained");
		expect(stdout).toContain(`${url}/webhook/stripe`);
		expect(stdout).toContain("needs: npm run wrangler -- secret put STRIPE_WEBHOOK_SECRET");
		expect(stdout).toContain(`Dashboard: ${url}/dashboard/`);
	});

	it("a second run creates nothing, shows no secret, and still migrates and deploys", async () => {
		expect((await setup()).code).toBe(0);
		const before = readAccount();
		writeFileSync(path.join(dir, "calls.log"), "");
		const { code, stdout } = await setup();
		expect(code, stdout).toBe(0);
		const all = calls().map(line);
		expect(all.filter((c) => /\b(create|add|bulk|put)\b/.test(c))).toEqual([]);
		expect(all).toContain("d1 migrations apply DB --remote");
		expect(all).toContain("deploy");
		const after = readAccount();
		expect(after.workers["webhook-pipeline"]?.secrets).toEqual(before.workers["webhook-pipeline"]?.secrets);
		expect(stdout).not.toContain(before.workers["webhook-pipeline"]?.secrets.WEBHOOK_SECRET);
		expect(stdout).toContain("smoke test skipped: WEBHOOK_SECRET was set before this run");
	});

	it("creates only what is missing: one queue, one lifecycle rule, one secret", async () => {
		emptyAccount({
			queues: ["webhook-events", "webhook-events-dlq", "webhook-deliveries"],
			d1: ["webhook-pipeline"],
			buckets: { "webhook-payloads": [{ name: "expire-payloads", prefix: "payloads/", days: 30 }] },
			workers: { "webhook-pipeline": { secrets: { ADMIN_TOKEN: "an-operator-token" }, deployed: 1 } },
		});
		const { code, stdout } = await setup([], { ADMIN_TOKEN: "an-operator-token" });
		expect(code, stdout).toBe(0);
		const created = calls()
			.map(line)
			.filter((c) => /\b(create|add|bulk)\b/.test(c));
		expect(created).toEqual([
			"queues create webhook-deliveries-dlq",
			expect.stringMatching(/^r2 bucket lifecycle add webhook-payloads expire-dead-letters dead-letters\//),
			expect.stringMatching(/^r2 bucket lifecycle add webhook-payloads expire-archive archive\//),
			"secret bulk",
		]);
		const bulk = calls().find((c) => line(c) === "secret bulk");
		expect(Object.keys(JSON.parse(bulk?.stdin ?? "{}"))).toEqual(["WEBHOOK_SECRET"]);
		expect(readAccount().workers["webhook-pipeline"]?.secrets.ADMIN_TOKEN).toBe("an-operator-token");
	});

	it("--env staging passes --env to every wrangler call, and --archive-days sets the archive rule", async () => {
		const { code, stdout } = await setup(["--env", "staging", "--archive-days", "30", "--no-smoke"]);
		expect(code, stdout).toBe(0);
		const all = calls();
		expect(all.length).toBeGreaterThan(10);
		for (const c of all) expect(c.args.slice(-2)).toEqual(["--env", "staging"]);
		const rules = readAccount().buckets["webhook-payloads"] ?? [];
		expect(rules.find((r) => r.prefix === "archive/")?.days).toBe(30);
		expect(rules.find((r) => r.prefix === "payloads/")?.days).toBe(30);
		expect(readAccount().workers["webhook-pipeline-staging"]?.deployed).toBe(1);
	});

	it("stops before changing anything when wrangler is not logged in", async () => {
		emptyAccount({ loggedIn: false });
		const { code, stderr } = await setup();
		expect(code).toBe(1);
		expect(stderr).toContain("not logged in");
		expect(calls().map(line)).toEqual(["whoami --json"]);
	});

	it("exits 1 when the deployed Worker refuses the smoke test's event", async () => {
		emptyAccount({ workers: { "webhook-pipeline": { secrets: { WEBHOOK_SECRET: "the-deployed-one", ADMIN_TOKEN: "t" }, deployed: 1 } } });
		// The secret setup signs with is not the one the "Worker" holds.
		const { code, stdout } = await setup([], { WEBHOOK_SECRET: "not-the-deployed-one" });
		expect(code).toBe(1);
		expect(stdout).toContain("expected 202");
	});
});

describe("npm run deploy", { timeout: 90_000 }, () => {
	it("creates missing queues and the database, migrates remotely, then deploys; a second run creates nothing", async () => {
		const { code, stdout, stderr } = await run("deploy", []);
		expect(code, stdout + stderr).toBe(0);
		const all = calls().map(line);
		const migrate = all.indexOf("d1 migrations apply DB --remote");
		expect(migrate).toBeGreaterThan(all.indexOf("d1 create webhook-pipeline"));
		expect(all.indexOf("deploy")).toBeGreaterThan(migrate);
		expect(all.filter((c) => c.startsWith("queues create"))).toHaveLength(4);

		writeFileSync(path.join(dir, "calls.log"), "");
		expect((await run("deploy", [])).code).toBe(0);
		const again = calls().map(line);
		expect(again.filter((c) => /\bcreate\b/.test(c))).toEqual([]);
		expect(again.slice(-2)).toEqual(["d1 migrations apply DB --remote", "deploy"]);
	});

	it("-- --dry-run only builds: no queue, database or migration is touched", async () => {
		const { code } = await run("deploy", ["--dry-run"]);
		expect(code).toBe(0);
		expect(calls().map(line)).toEqual(["deploy --dry-run"]);
	});
});

describe("setup helpers", () => {
	it("reads the workers.dev URL from wrangler deploy's output", () => {
		expect(deployedUrl("Deployed x triggers\n  https://webhook-pipeline.acme.workers.dev\n  schedule: * * * * *")).toBe(
			"https://webhook-pipeline.acme.workers.dev",
		);
		expect(deployedUrl("Deployed x triggers (no routes)")).toBeNull();
	});

	it("reads rule names from `r2 bucket lifecycle list`", () => {
		expect(lifecycleRuleNames("name:    expire-payloads\nenabled: Yes\n\nname:    expire-archive\nprefix: archive/")).toEqual([
			"expire-payloads",
			"expire-archive",
		]);
	});

	it("keeps claim-checked payloads at least as long as the archive that points at them", () => {
		expect(archiveDaysFor(undefined, {})).toBe(365);
		expect(archiveDaysFor(undefined, { ARCHIVE_LIFETIME_DAYS: "180" })).toBe(180);
		expect(archiveDaysFor(7, { ARCHIVE_LIFETIME_DAYS: "180" })).toBe(7);
		const days = (archive: number) => Object.fromEntries(lifecycleRules(archive).map((r) => [r.prefix, r.expireDays]));
		expect(days(180)).toEqual({ "payloads/": 180, "dead-letters/": 90, "archive/": 180 });
		expect(days(7)).toMatchObject({ "payloads/": 30, "archive/": 7 });
	});

	it("refuses unknown options and bad values", () => {
		expect(() => parseArgs(["--dryrun"])).toThrow(/Unknown option/);
		expect(() => parseArgs(["--env"])).toThrow(/needs a value/);
		expect(() => parseArgs(["--archive-days", "0"])).toThrow(/archive-days/);
		expect(parseArgs(["--dry-run", "--env", "staging"])).toMatchObject({ dryRun: true, env: "staging" });
	});
});

// Seeds a fresh local D1 with N synthetic events (default 1,000,000) and the
// derived rows, then measures every analytics query: its EXPLAIN QUERY PLAN,
// its time in SQLite alone, and the full HTTP round trip through `wrangler dev`.
//   npm run bench:analytics -- [--events 1000000] [--runs 7]
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs, promisify } from "node:util";
import { funnelQuery, usageQuery } from "../../src/analytics/params";
import { type AnyAnalyticsQuery, analyticsStatements } from "../../src/analytics/queries";
import { startLocalStack } from "../stack/local-stack";
import { seed } from "./seed";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOKEN = "dev-admin-token-do-not-use-in-production";
const ROUTES = ["signups", "mrr", "usage", "funnel"] as const;
const WINDOWS = [
	{ label: "30 days by day", from: "2026-10-01", to: "2026-10-31", interval: "day" },
	{ label: "7 days by hour", from: "2026-11-01", to: "2026-11-08", interval: "hour" },
	{ label: "all 183 days by week", from: "2026-06-01", to: "2026-12-01", interval: "week" },
] as const;

const { values: args } = parseArgs({ options: { events: { type: "string", default: "1000000" }, runs: { type: "string", default: "7" } } });
const events = Number(args.events);
const runs = Number(args.runs);

async function time(fn: () => unknown | Promise<unknown>): Promise<{ median: number; max: number }> {
	await fn(); // warm-up: page cache and isolate
	const samples: number[] = [];
	for (let i = 0; i < runs; i++) {
		const start = performance.now();
		await fn();
		samples.push(performance.now() - start);
	}
	samples.sort((a, b) => a - b);
	return { median: samples[Math.floor(samples.length / 2)]!, max: samples.at(-1)! };
}

const ms = (t: { median: number; max: number }) => `${t.median.toFixed(1)} / ${t.max.toFixed(1)}`;

const persistDir = mkdtempSync(path.join(tmpdir(), "analytics-bench-"));
try {
	const wrangler = path.join(ROOT, "node_modules", ".bin", "wrangler");
	await promisify(execFile)(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], {
		cwd: ROOT,
		env: { ...process.env, CI: "true" },
	});
	const d1Dir = path.join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
	const file = path.join(d1Dir, readdirSync(d1Dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")!);

	let started = performance.now();
	const counts = seed(file, events);
	const seedSeconds = ((performance.now() - started) / 1000).toFixed(1);

	const db = new DatabaseSync(file, { readOnly: true });
	const tableRows = Object.fromEntries(
		["events", "users", "subscription_changes", "subscriptions", "usage_records"].map((t) => [
			t,
			(db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
		]),
	);

	// Printed as it goes: the SQLite numbers stay even if wrangler dev fails.
	const lines = { push: (...text: string[]) => console.log(text.join("\n")) };
	lines.push(`Measured ${new Date().toISOString()} on ${cpus().length}× ${cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}.`);
	lines.push(
		`Seeded in ${seedSeconds} s: ${Object.entries(tableRows)
			.map(([t, n]) => `${t} ${n.toLocaleString("en")}`)
			.join(", ")}.`,
	);
	lines.push("", "Query plans:", "");
	const queryFor = (w: (typeof WINDOWS)[number]): AnyAnalyticsQuery => ({ ...funnelQuery.parse(w), ...usageQuery.parse(w) });
	for (const statement of analyticsStatements) {
		const plan = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.binds(queryFor(WINDOWS[0]))) as { detail: string }[];
		lines.push(`- ${statement.name}: ${plan.map((p) => p.detail).join("; ")}`);
	}

	lines.push("", "SQLite alone (node:sqlite on the same file), median / max ms:", "");
	lines.push(`| statement | ${WINDOWS.map((w) => w.label).join(" | ")} |`, `|---|${WINDOWS.map(() => "---").join("|")}|`);
	for (const statement of analyticsStatements) {
		const cells: string[] = [];
		for (const w of WINDOWS) {
			const prepared = db.prepare(statement.sql);
			const binds = statement.binds(queryFor(w));
			cells.push(ms(await time(() => prepared.all(...binds))));
		}
		lines.push(`| ${statement.name} | ${cells.join(" | ")} |`);
	}
	db.close();

	started = performance.now();
	const stack = await startLocalStack({ persistDir });
	try {
		lines.push("", "HTTP round trip through `wrangler dev` (auth, validation, D1, JSON), median / max ms:", "");
		lines.push(`| route | ${WINDOWS.map((w) => w.label).join(" | ")} |`, `|---|${WINDOWS.map(() => "---").join("|")}|`);
		for (const route of ROUTES) {
			const cells: string[] = [];
			for (const w of WINDOWS) {
				const url = `${stack.url}/api/analytics/${route}?from=${w.from}&to=${w.to}&interval=${w.interval}`;
				cells.push(
					ms(
						await time(async () => {
							const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
							if (!res.ok) throw new Error(`${url} → ${res.status}: ${await res.text()}`);
							await res.json();
						}),
					),
				);
			}
			lines.push(`| /api/analytics/${route} | ${cells.join(" | ")} |`);
		}
	} finally {
		await stack.stop();
	}
	console.log(`\n(${runs} runs after one warm-up; ${counts.subscriptions.toLocaleString("en")} subscriptions.)`);
} finally {
	rmSync(persistDir, { recursive: true, force: true });
}

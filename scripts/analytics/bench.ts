// Seeds a fresh local D1 with N synthetic events (default 1,000,000) and the
// derived rows, then measures every analytics query: its EXPLAIN QUERY PLAN,
// its time in SQLite alone, and the full HTTP round trip through `wrangler dev`
// for every route and window (./windows.ts). Prints as it goes and writes the
// whole report to bench/ANALYTICS.md.
//   npm run bench:analytics -- [--events 1000000] [--runs 7]
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs, promisify } from "node:util";
import { type AnyAnalyticsQuery, analyticsStatements, routeReads } from "../../src/analytics/queries";
import type { AnalyticsStatement } from "../../src/analytics/queries/statement";
import { provenTopUsers, topCandidatesStatement, topFallbackFor } from "../../src/analytics/queries/top-users";
import { DEV_SECRETS } from "../../src/shared/dev-secrets";
import { formatGenerated } from "../bench/format";
import { describeMachine } from "../bench/machine";
import { startLocalStack } from "../stack/local-stack";
import { SEED_START, type SeedCounts, seed } from "./seed";
import { queryFor, searchOf, WINDOWS } from "./windows";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOKEN = DEV_SECRETS.ADMIN_TOKEN;
// Every route with its defaults (top 10 users, 14-day funnel), and usage for
// one feature (its top users cannot use the per-period totals' whole periods).
const ROUTES = ["signups", "mrr", "usage", "usage?feature=api_calls", "funnel", "payments"] as const;
// The goal every route is held to (issue 11): median over HTTP, any window.
const BUDGET_MS = 100;
// GET /api/events on the same database (issue 17): median over HTTP.
const EVENTS_BUDGET_MS = 50;
// The event log's reads: newest page, each filter (a user is indexed; type
// and status scan at most SCAN_BUDGET rows), a day's range, the next page.
const EVENT_LISTS = (seeded: SeedCounts) => {
	const day = SEED_START + 90 * 86_400_000;
	return [
		["newest 50", ""],
		["a user's events", `user_id=u${Math.floor(seeded.signups / 2)}`],
		["a 2 % type", "type=payment_failed"],
		["a status nothing has", "status=unhandled"],
		["one day, mid-history", `from=${day}&to=${day + 86_400_000}`],
		["limit 500", "limit=500"],
	] as const;
};

const { values: args } = parseArgs({ options: { events: { type: "string", default: "1000000" }, runs: { type: "string", default: "7" } } });
const events = Number(args.events);
const runs = Number(args.runs);

interface Timing {
	median: number;
	max: number;
}

async function time(fn: () => unknown | Promise<unknown>): Promise<Timing> {
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

const ms = (t: Timing) => `${t.median.toFixed(1)} / ${t.max.toFixed(1)}`;
const header = (first: string) => [
	`| ${first} | ${WINDOWS.map((w) => w.label).join(" | ")} |`,
	`|---|${WINDOWS.map(() => "---").join("|")}|`,
];

// Printed as it goes (the SQLite numbers stay even if wrangler dev fails) and
// kept for bench/ANALYTICS.md.
const report: string[] = [];
const lines = {
	push: (...text: string[]) => {
		report.push(...text);
		console.log(text.join("\n"));
	},
};

const benchStarted = performance.now();
const persistDir = mkdtempSync(path.join(tmpdir(), "analytics-bench-"));
try {
	const wrangler = path.join(ROOT, "node_modules", ".bin", "wrangler");
	await promisify(execFile)(wrangler, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], {
		cwd: ROOT,
		env: { ...process.env, CI: "true" },
	});
	const d1Dir = path.join(persistDir, "v3", "d1", "miniflare-D1DatabaseObject");
	const file = path.join(d1Dir, readdirSync(d1Dir).find((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite")!);

	const started = performance.now();
	const counts = seed(file, events);
	const seedSeconds = ((performance.now() - started) / 1000).toFixed(1);

	const db = new DatabaseSync(file, { readOnly: true });
	const tableRows = Object.fromEntries(
		["events", "users", "subscription_changes", "subscriptions", "usage_records", "payment_failures"].map((t) => [
			t,
			(db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
		]),
	);

	const m = describeMachine();
	lines.push(
		"# Analytics bench (`npm run bench:analytics`)",
		"",
		`Measured ${m.date.slice(0, 16).replace("T", " ")} UTC on ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, ${m.os}, Node ${m.node}, wrangler ${m.wrangler} (load average at start ${m.loadAverage.join(" / ")}).`,
		"",
	);
	lines.push(
		`Seeded in ${seedSeconds} s: ${Object.entries(tableRows)
			.map(([t, n]) => `${t} ${n.toLocaleString("en")}`)
			.join(", ")}.`,
	);
	lines.push("", "Query plans:", "");
	for (const statement of analyticsStatements) {
		const plan = db.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.binds(queryFor(WINDOWS[3]!))) as { detail: string }[];
		lines.push(`- ${statement.name}: ${plan.map((p) => p.detail).join("; ")}`);
	}

	// Each route's statements for the window, as its one D1 batch runs them;
	// for usage, plus the fallback scan when the candidates prove nothing (†).
	lines.push("", "SQLite alone (node:sqlite on the same file), each route's statements for the window, median / max ms:", "");
	lines.push(...header("route"));
	for (const [route, reads] of Object.entries(routeReads)) {
		const cells: string[] = [];
		for (const w of WINDOWS) {
			const q = queryFor(w);
			const run = (s: AnalyticsStatement<AnyAnalyticsQuery>) => db.prepare(s.sql).all(...s.binds(q));
			const candidates = route === "usage" ? run(topCandidatesStatement) : [];
			const fallback = route === "usage" && provenTopUsers(candidates, q.top) === null ? [topFallbackFor(q)] : [];
			const statements = [...reads(q), ...fallback];
			cells.push(`${ms(await time(() => statements.map(run)))}${fallback.length ? " †" : ""}`);
		}
		lines.push(`| ${route} | ${cells.join(" | ")} |`);
	}
	db.close();

	const stack = await startLocalStack({ persistDir });
	try {
		lines.push("", "HTTP round trip through `wrangler dev` (auth, validation, D1, JSON), median / max ms:", "");
		lines.push(...header("route"));
		const worst = new Map<string, { median: number; label: string }>();
		for (const route of ROUTES) {
			const cells: string[] = [];
			for (const w of WINDOWS) {
				const url = `${stack.url}/api/analytics/${route}${route.includes("?") ? "&" : "?"}${searchOf(w)}`;
				const t = await time(async () => {
					const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
					if (!res.ok) throw new Error(`${url} → ${res.status}: ${await res.text()}`);
					await res.json();
				});
				cells.push(ms(t));
				if (t.median > (worst.get(route)?.median ?? -1)) worst.set(route, { median: t.median, label: w.label });
			}
			lines.push(`| /api/analytics/${route} | ${cells.join(" | ")} |`);
		}
		lines.push("", `Slowest window per route (median), against the ${BUDGET_MS} ms goal:`, "");
		for (const [route, w] of worst) {
			lines.push(`- /api/analytics/${route}: ${w.median.toFixed(1)} ms (${w.label}) ${w.median <= BUDGET_MS ? "✓" : "✗ over"}`);
		}

		lines.push(
			"",
			`GET /api/events on the same ${tableRows.events?.toLocaleString("en")} events rows, median / max ms, against the ${EVENTS_BUDGET_MS} ms goal:`,
			"",
		);
		lines.push("| list | query | ms | met? |", "|---|---|---|---|");
		const list = async (search: string) => {
			const res = await fetch(`${stack.url}/api/events${search ? `?${search}` : ""}`, { headers: { authorization: `Bearer ${TOKEN}` } });
			if (!res.ok) throw new Error(`/api/events?${search} → ${res.status}: ${await res.text()}`);
			return (await res.json()) as { data: unknown[]; next_cursor: string | null };
		};
		const rows: (readonly [string, string])[] = [...EVENT_LISTS(counts)];
		const first = await list("");
		if (first.next_cursor) rows.push(["the next page", `cursor=${first.next_cursor}`]);
		for (const [label, search] of rows) {
			const t = await time(() => list(search));
			lines.push(`| ${label} | \`${search || "(none)"}\` | ${ms(t)} | ${t.median <= EVENTS_BUDGET_MS ? "✓" : "✗"} |`);
		}
	} finally {
		await stack.stop();
	}
	lines.push(
		"",
		`(${runs} runs after one warm-up each; ${counts.subscriptions.toLocaleString("en")} subscriptions, ${counts.paymentFailures.toLocaleString("en")} failed payments; whole bench ${((performance.now() - benchStarted) / 1000).toFixed(0)} s.)`,
	);
	writeFileSync(path.join(ROOT, "bench", "ANALYTICS.md"), `${report.join("\n")}\n`);
	formatGenerated([path.join(ROOT, "bench", "ANALYTICS.md")]);
} finally {
	rmSync(persistDir, { recursive: true, force: true });
}

import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
// With its extension: Node loads this config itself, without a bundler.
import { ensureDevVars } from "./scripts/stack/dev-vars.ts";

// Three projects, one runner:
// - workers: unit tests beside the code in src/ and binding tests in test/,
//   inside workerd with the real local D1, Queues and Durable Objects from
//   wrangler.toml;
// - node: the scripts' own unit tests (generator, bench, checks), in Node;
// - e2e: the real local stack (`wrangler dev`) driven over HTTP, as a user
//   runs it.
export default defineConfig(async () => {
	// A fresh clone has only .dev.vars.example; the workers pool and wrangler
	// dev both read .dev.vars.
	ensureDevVars();
	const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
	return {
		test: {
			projects: [
				{
					plugins: [
						cloudflareTest({
							wrangler: { configPath: "./wrangler.toml" },
							miniflare: {
								// Test-only binding: the setup file applies these to the local D1.
								// FUZZ_RUNS: cases per property in the ingest fuzz suite (default in the test).
								// METRICS_FLUSH_MS 0: each test request's counters are written when it ends.
								bindings: { TEST_MIGRATIONS: migrations, FUZZ_RUNS: process.env.FUZZ_RUNS ?? "", METRICS_FLUSH_MS: "0" },
								// Test-only: a source rate limit small enough to reach in a test.
								ratelimits: { TEST_TINY_RATE_LIMIT: { namespace_id: "9001", simple: { limit: 2, period: 60 } } },
							},
						}),
					],
					test: {
						name: "workers",
						include: ["src/**/*.test.ts", "test/**/*.test.ts"],
						setupFiles: ["./test/setup/apply-migrations.ts"],
						testTimeout: 20_000,
						// Request and batch log lines are noise unless a test fails.
						silent: "passed-only" as const,
					},
				},
				{
					test: { name: "node", include: ["scripts/**/*.test.ts"], environment: "node" },
				},
				{
					test: {
						name: "e2e",
						include: ["test/e2e/**/*.e2e.ts"],
						environment: "node",
						testTimeout: 120_000,
						hookTimeout: 120_000,
						fileParallelism: false,
					},
				},
			],
		},
	};
});

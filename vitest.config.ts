import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Unit tests (beside the code in src/) and binding tests (test/) run inside
// workerd with the real local D1, Queues and Durable Objects from wrangler.toml.
export default defineConfig(async () => {
	const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
	return {
		plugins: [
			cloudflareTest({
				wrangler: { configPath: "./wrangler.toml" },
				miniflare: {
					// Test-only binding: the setup file applies these to the local D1.
					bindings: { TEST_MIGRATIONS: migrations },
				},
			}),
		],
		test: {
			include: ["src/**/*.test.ts", "test/**/*.test.ts"],
			exclude: ["test/e2e/**", "node_modules/**"],
			setupFiles: ["./test/setup/apply-migrations.ts"],
			testTimeout: 20_000,
			// Request and batch log lines are noise unless a test fails.
			silent: "passed-only" as const,
		},
	};
});

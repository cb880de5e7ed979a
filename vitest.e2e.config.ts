import { defineConfig } from "vitest/config";

// End-to-end tests run in Node and drive the real local stack (`wrangler dev`)
// over HTTP, exactly as a user runs it.
export default defineConfig({
	test: {
		include: ["test/e2e/**/*.e2e.ts", "scripts/**/*.test.ts"],
		testTimeout: 120_000,
		hookTimeout: 120_000,
		fileParallelism: false,
	},
});

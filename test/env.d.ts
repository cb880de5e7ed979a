import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
			TEST_TINY_RATE_LIMIT: RateLimit;
			FUZZ_RUNS: string;
		}
	}
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { queueNames, ROOT, readTarget, targetFrom } from "./target";

// The light TOML reader must see what wrangler sees: the repo's config, a
// wrangler environment with no section, and one with its own bindings.
const dir = mkdtempSync(path.join(tmpdir(), "target-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const withStaging = `${readFileSync(path.join(ROOT, "wrangler.toml"), "utf8")}
[env.staging]
name = "hooks-staging"
[env.staging.vars]
MAX_BODY_BYTES = "2048"
[[env.staging.queues.producers]]
binding = "EVENTS_QUEUE"
queue = "staging-events"
[[env.staging.queues.consumers]]
queue = "staging-events"
dead_letter_queue = "staging-events-dlq"
[[env.staging.d1_databases]]
binding = "DB"
database_name = "hooks-staging"
migrations_dir = "migrations"
[[env.staging.r2_buckets]]
binding = "PAYLOADS"
bucket_name = "hooks-staging-payloads"
`;
const stagingConfig = path.join(dir, "wrangler.toml");
writeFileSync(stagingConfig, withStaging);

function wranglerView(configPath: string, env?: string) {
	const raw = unstable_readConfig({ config: configPath, env }, { hideWarnings: true }) as unknown as Parameters<typeof targetFrom>[0];
	return targetFrom(raw, configPath, env);
}

describe("deploy target from wrangler.toml", () => {
	it.each([
		["the repo's config", path.join(ROOT, "wrangler.toml"), undefined],
		["an environment with no section", path.join(ROOT, "wrangler.toml"), "staging"],
		["an environment with its own bindings", stagingConfig, "staging"],
	])("%s reads as wrangler reads it", (_, configPath, env) => {
		expect(readTarget({ configPath, env })).toEqual(wranglerView(configPath, env));
	});

	it("lists every queue once, dead-letter queues that are only consumed included", () => {
		expect(readTarget().queues).toEqual(["webhook-events", "webhook-events-dlq", "webhook-deliveries", "webhook-deliveries-dlq"]);
		expect(queueNames({ consumers: [{ queue: "a", dead_letter_queue: "b" }], producers: [{ queue: "a" }] })).toEqual(["a", "b"]);
	});

	it("needs bindings by name: a D1 binding without database_name is refused", () => {
		expect(() => targetFrom({ name: "w", d1_databases: [{ binding: "DB" }] }, "x")).toThrow(/database_name/);
	});
});

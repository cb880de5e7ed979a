import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readE2eHistogram } from "../../src/metrics/pipeline-state";

// Migration 0011 turns 0002's cumulative latency buckets into per-bucket
// counts. Its own statement, run against cumulative rows as a database
// migrated up to 0010 holds them: /metrics then answers the same histogram.
const migration = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0011_"));
const conversion = migration?.queries.find((q) => q.includes("INSERT INTO e2e_latency_counts"));

describe("migration 0011 on a database with history", () => {
	it("keeps the end-to-end latency histogram: cumulative counts become per-bucket ones", async () => {
		expect(conversion).toBeDefined();
		const cumulative = [
			[50, 3],
			[100, 3],
			[250, 7],
			[500, 10],
			[1000, 10],
			[2000, 12],
			[5000, 12],
			[10000, 12],
			[30000, 13],
			[60000, 13],
			[300000, 13],
			[3600000, 14],
		] as const;
		const saved = (await env.DB.prepare("SELECT le, count FROM e2e_latency_counts ORDER BY le").all()).results;
		await env.DB.batch([
			env.DB.prepare("CREATE TABLE e2e_latency_buckets (le INTEGER PRIMARY KEY, count INTEGER NOT NULL)"),
			...cumulative.map(([le, n]) => env.DB.prepare("INSERT INTO e2e_latency_buckets (le, count) VALUES (?, ?)").bind(le, n)),
			env.DB.prepare("DELETE FROM e2e_latency_counts"),
			env.DB.prepare(conversion as string),
			env.DB.prepare("DROP TABLE e2e_latency_buckets"),
		]);
		try {
			const perBucket = (await env.DB.prepare("SELECT le, count FROM e2e_latency_counts ORDER BY le").all()).results;
			expect(perBucket.map((r) => r.count)).toEqual([3, 0, 4, 3, 0, 2, 0, 0, 1, 0, 0, 1]);
			// /metrics reads them back cumulative, exactly as stored before.
			const histogram = await readE2eHistogram(env.DB);
			expect(histogram.buckets).toEqual(cumulative.map(([le, count]) => ({ le, count })));
		} finally {
			await env.DB.batch([
				env.DB.prepare("DELETE FROM e2e_latency_counts"),
				...saved.map((r) => env.DB.prepare("INSERT INTO e2e_latency_counts (le, count) VALUES (?, ?)").bind(r.le, r.count)),
			]);
		}
	});
});

import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventEnvelope } from "../../src/events/envelope";
import { seededMix, windowsOver } from "../analytics/mix";
import { rollupTables } from "../analytics/rollup-tables";
import { ingest, referenceAnswers, routeAnswers } from "../analytics/through-routes";

// Migration 0012 rebuilds the per-event ledgers WITHOUT ROWID. Here on a
// database with history: this file's D1 is emptied and migrated only up to
// 0012, events are written through the real consumer into the old rowid
// tables, then 0012 runs. Every row, every rollup and every analytics answer
// must come through unchanged, and what is written after it must still keep
// the rollups (its triggers were created again).

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const LEDGERS = {
	users: "user_id",
	subscriptions: "subscription_id",
	subscription_changes: "event_id",
	usage_records: "event_id",
	payment_failures: "event_id",
} as const;

const before = env.TEST_MIGRATIONS.filter((m) => m.name < "0012_");
const lean = env.TEST_MIGRATIONS.filter((m) => m.name.startsWith("0012_"));

async function dropEverything(): Promise<void> {
	const { results } = await env.DB.prepare(
		`SELECT type, name FROM sqlite_master
		 WHERE type IN ('view', 'table') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'
		 ORDER BY type = 'table'`,
	).all<{ type: string; name: string }>();
	await env.DB.batch(results.map(({ type, name }) => env.DB.prepare(`DROP ${type.toUpperCase()} "${name}"`)));
}

const ledgerRows = async (): Promise<Record<string, unknown[]>> =>
	Object.fromEntries(
		await Promise.all(
			Object.entries(LEDGERS).map(async ([table, key]) => [
				table,
				(await env.DB.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).all()).results,
			]),
		),
	);

const schemaOf = async () =>
	(
		await env.DB.prepare(
			`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name IN (${Object.keys(LEDGERS)
				.map((t) => `'${t}'`)
				.join(", ")}) ORDER BY type, name`,
		).all<{ type: string; name: string; tbl_name: string; sql: string | null }>()
	).results;

describe("migration 0012 on a database with history", () => {
	it("keeps every ledger row, rollup and analytics answer, and keeps the rollups after it", async () => {
		expect(lean).toHaveLength(1);
		await dropEverything();
		await applyD1Migrations(env.DB, before, "d1_migrations_before_0012");
		const old = await schemaOf();
		expect(
			old
				.filter((o) => o.name.startsWith("sqlite_autoindex_"))
				.map((o) => o.tbl_name)
				.sort(),
		).toEqual(Object.keys(LEDGERS).sort());

		const start = Date.UTC(2034, 0, 5);
		await ingest(seededMix(3, start, "m13a"));
		const windows = windowsOver(start);
		const rows = await ledgerRows();
		const rollups = await rollupTables();
		const answers = await routeAnswers(windows);
		expect(Object.values(rows).every((r) => r.length > 0)).toBe(true);

		await applyD1Migrations(env.DB, lean, "d1_migrations_before_0012");

		const now = await schemaOf();
		for (const table of Object.keys(LEDGERS)) {
			expect(now.find((o) => o.type === "table" && o.name === table)?.sql, table).toMatch(/\) WITHOUT ROWID$/);
		}
		expect(now.filter((o) => o.name.startsWith("sqlite_autoindex_"))).toEqual([]);
		// The same triggers and indexes, word for word, but for the autoindexes.
		const defs = (objects: typeof old, type: string) =>
			objects.filter((o) => o.type === type && !o.name.startsWith("sqlite_")).map(({ name, tbl_name, sql }) => ({ name, tbl_name, sql }));
		expect(defs(now, "trigger")).toEqual(defs(old, "trigger"));
		expect(defs(now, "index")).toEqual(defs(old, "index"));

		expect(await ledgerRows()).toEqual(rows);
		expect(await rollupTables()).toEqual(rollups);
		expect(await routeAnswers(windows)).toEqual(answers);

		// Written after it: another week of every type, and changes to the
		// first week's rows (earlier signups, subscription changes between
		// stored ones), so every trigger's insert and update path runs. The
		// routes read the rollups those triggers keep, the oracle the base tables.
		const later = start + 3 * DAY;
		const iso = (ms: number) => new Date(ms).toISOString();
		const changes: EventEnvelope[] = [
			...[0, 1, 2, 3, 4].map((i) => ({
				event_id: `m13c_signup_${i}`,
				event_type: "user_signup",
				timestamp: iso(start + i * 7 * HOUR),
				user_id: `m13a_user_${i}`,
				metadata: { plan: "team", source: "ads" },
			})),
			...[1, 2, 4, 5].map((s) => ({
				event_id: `m13c_sub_${s}`,
				event_type: "subscription_created",
				timestamp: iso(start + 2 * DAY + s * HOUR),
				user_id: `m13a_user_${s}`,
				metadata: { subscription_id: `m13a_sub_${s}`, plan: "pro", amount: 29, currency: "usd", interval: "month", status: "active" },
			})),
		];
		await ingest([...seededMix(4, later, "m13b"), ...changes]);
		const after = [...windows, ...windowsOver(later)];
		expect(await routeAnswers(after)).toEqual(await referenceAnswers(after, Date.now()));
		// The earlier signup moved the stored user's signup back.
		expect(await env.DB.prepare("SELECT signed_up_at FROM users WHERE user_id = 'm13a_user_0'").first("signed_up_at")).toBe(start);
	});
});

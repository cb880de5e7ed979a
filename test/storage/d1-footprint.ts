import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { STRIPE_MIX } from "../../src/sources/fixtures/stripe";
import { seededMix } from "../analytics/mix";
import { queueMessage } from "../support/builders";
import { deliveryRequest, signDelivery } from "../support/providers";
import { asMessages, deliver, fetchRecording } from "../support/queue";

// What one mixed run costs D1, from D1's own numbers: the sum of every
// consumer statement's meta.rows_written (indexes and triggers included, what
// D1 bills), per statement; b-tree entries (rows of each table plus one per
// index entry, partial indexes counted by their own WHERE); and the growth of
// the database (meta.size_after).

interface Tally {
	rowsWritten: number;
	byStatement: Map<string, number>;
	sizeAfter: number;
}

// A D1 binding that records what every batch() wrote, statement by statement.
export function countingD1(db: D1Database): { db: D1Database; tally: Tally } {
	const tally: Tally = { rowsWritten: 0, byStatement: new Map(), sizeAfter: 0 };
	const sqlOf = new WeakMap<D1PreparedStatement, string>();
	const targetOf = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
	const track = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
		const proxy = new Proxy(statement, {
			get(target, prop) {
				if (prop === "bind") return (...args: unknown[]) => track(target.bind(...args), sql);
				const value = Reflect.get(target, prop, target);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
		sqlOf.set(proxy, sql);
		targetOf.set(proxy, statement);
		return proxy;
	};
	const label = (sql: string) => sql.replace(/\s+/g, " ").trim().slice(0, 60);
	const record = (sql: string, result: D1Result | undefined) => {
		const rows = result?.meta?.rows_written ?? 0;
		tally.rowsWritten += rows;
		tally.byStatement.set(label(sql), (tally.byStatement.get(label(sql)) ?? 0) + rows);
		if (result?.meta?.size_after) tally.sizeAfter = result.meta.size_after;
	};
	const wrapped = new Proxy(db, {
		get(target, prop) {
			if (prop === "prepare") return (sql: string) => track(target.prepare(sql), sql);
			if (prop === "batch")
				return async (statements: D1PreparedStatement[]) => {
					const unwrapped = statements.map((s) => targetOf.get(s) ?? s);
					const results = await target.batch(unwrapped);
					for (const [i, r] of results.entries()) record(sqlOf.get(statements[i] as D1PreparedStatement) ?? "?", r);
					return results;
				};
			const value = Reflect.get(target, prop, target);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	return { db: wrapped, tally };
}

// Every b-tree entry of the user tables: each table's rows (a rowid table or
// a WITHOUT ROWID one: one entry per row) plus each index's entries.
export async function btreeEntries(db: D1Database = env.DB): Promise<Map<string, number>> {
	const { results } = await db
		.prepare(
			`SELECT type, name, tbl_name, sql FROM sqlite_master
			 WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'`,
		)
		.all<{ type: string; name: string; tbl_name: string; sql: string | null }>();
	const entries = new Map<string, number>();
	for (const row of results) {
		const where = row.type === "index" && row.sql ? (/\bWHERE\b(.*)$/is.exec(row.sql)?.[1] ?? null) : null;
		const sql = `SELECT count(*) AS n FROM "${row.tbl_name}"${where ? ` WHERE ${where}` : ""}`;
		const n = (await db.prepare(sql).first<{ n: number }>())?.n ?? 0;
		entries.set(`${row.tbl_name}${row.type === "index" ? `.${row.name}` : ""}`, n);
	}
	// The implicit unique index of a TEXT PRIMARY KEY on a rowid table.
	const autos = await db
		.prepare("SELECT tbl_name FROM sqlite_master WHERE type = 'index' AND name LIKE 'sqlite_autoindex_%'")
		.all<{ tbl_name: string }>();
	for (const { tbl_name } of autos.results) {
		const n = (await db.prepare(`SELECT count(*) AS n FROM "${tbl_name}"`).first<{ n: number }>())?.n ?? 0;
		entries.set(`${tbl_name}.(primary key)`, (entries.get(`${tbl_name}.(primary key)`) ?? 0) + n);
	}
	return entries;
}

export const diffEntries = (before: Map<string, number>, after: Map<string, number>) =>
	new Map([...after].map(([k, v]) => [k, v - (before.get(k) ?? 0)] as const).filter(([, d]) => d !== 0));

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

const SINK = { send: async () => {}, sendBatch: async () => {} } as unknown as Queue;

// Stripe deliveries through the signed route; what they enqueued.
async function stripeMessages(count: number, tag: string, start: number): Promise<unknown[]> {
	const sent: unknown[] = [];
	for (let i = 0; i < count; i++) {
		const event = structuredClone(STRIPE_MIX[i % STRIPE_MIX.length]) as { id: string; created: number };
		event.id = `evt_${tag}_${i}`;
		event.created = Math.floor((start + i * 3_600_000) / 1000);
		// Recorded only: the local queue would hand them to the consumer on its own.
		const recorded = await fetchRecording(deliveryRequest("stripe", await signDelivery("stripe", JSON.stringify(event))), {
			EVENTS_QUEUE: SINK,
		});
		expect(recorded.response.status).toBe(202);
		sent.push(...recorded.sent);
	}
	return sent;
}

export interface Footprint {
	events: number;
	rowsWritten: number;
	rowsPerEvent: number;
	entriesPerEvent: number;
	bytesPerEvent: number;
	byStatement: Map<string, number>;
	entries: Map<string, number>;
}

// The mixed run: every direct type (test/analytics/mix.ts) and Stripe
// deliveries, shuffled together, through the real consumer in batches of 10.
export async function mixedRun(options: { seed?: number; stripe?: number; tag?: string } = {}): Promise<Footprint> {
	const tag = options.tag ?? `fp${crypto.randomUUID().slice(0, 6)}`;
	const start = Date.UTC(2031, 0, 5);
	const direct = seededMix(options.seed ?? 5, start, tag).map((e) => queueMessage(e) as unknown);
	const stripe = await stripeMessages(options.stripe ?? 100, tag, start);
	const all = [...direct, ...stripe];
	for (let i = all.length - 1; i > 0; i--) {
		const j = (i * 7919) % (i + 1);
		[all[i], all[j]] = [all[j], all[i]];
	}
	const { db, tally } = countingD1(env.DB);
	const sizeBefore = (await env.DB.prepare("SELECT 1").run()).meta.size_after;
	const entriesBefore = await btreeEntries();
	for (let i = 0; i < all.length; i += 10) {
		const result = await deliver("webhook-events", asMessages(all.slice(i, i + 10)), { DB: db });
		expect(result.retryMessages).toEqual([]);
	}
	const entries = diffEntries(entriesBefore, await btreeEntries());
	const sizeAfter = (await env.DB.prepare("SELECT 1").run()).meta.size_after;
	const events = all.length;
	return {
		events,
		rowsWritten: tally.rowsWritten,
		rowsPerEvent: tally.rowsWritten / events,
		entriesPerEvent: sum(entries) / events,
		bytesPerEvent: (sizeAfter - sizeBefore) / events,
		byStatement: tally.byStatement,
		entries,
	};
}

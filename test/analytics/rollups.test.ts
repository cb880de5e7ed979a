import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { replayArchive } from "../../src/admin/archive-replay";
import type { EventType } from "../../src/events/contract";
import { registry } from "../../src/events/registry";
import { adminJson } from "../admin/helpers";
import { seededMix, windowsOver } from "./mix";
import { ROUTES, referenceAnswer, rounded } from "./reference";
import { ledgerAndRebuilt, rollupsAndBackfill, rollupTables } from "./rollup-tables";
import { ingest, routeAnswer } from "./through-routes";

// The rollup-backed routes against the base tables (./reference.ts), on a
// seeded mix (./mix.ts) delivered the way queues deliver. Each test owns its
// month of 2032, so the others' rows only ever sit in MRR's opening, which
// both sides read alike.

const DAY = 86_400_000;
const handlers = registry as Map<string, EventType>;
const original = new Map(handlers);

afterEach(() => {
	handlers.clear();
	for (const [type, h] of original) handlers.set(type, h);
});

async function expectRoutesToMatchBaseTables(start: number): Promise<void> {
	for (const search of windowsOver(start)) {
		for (const route of ROUTES) {
			const answer = await routeAnswer(route, search);
			expect(rounded(answer), `${route}?${search}`).toEqual(rounded(await referenceAnswer(route, search, Date.now())));
		}
	}
}

async function expectRollupsToMatchBaseTables(): Promise<void> {
	const { kept, rebuilt, statements } = await rollupsAndBackfill();
	expect(statements).toBe(7);
	expect(kept).toEqual(rebuilt);
	const ledger = await ledgerAndRebuilt();
	expect(ledger.kept).toEqual(ledger.rebuilt);
	const drifted = await env.DB.prepare(
		`SELECT count(*) AS n FROM users WHERE subscribed_at IS NOT (
			SELECT min(s.occurred_at) FROM subscription_changes s WHERE s.user_id = users.user_id AND s.occurred_at >= users.signed_up_at)`,
	).first<{ n: number }>();
	expect(drifted?.n).toBe(0);
}

describe("analytics rollups", () => {
	it("answer hour, day and week windows, whole or partial days, exactly as the base tables do", async () => {
		const start = Date.UTC(2032, 0, 5);
		await ingest(seededMix(1, start, "mix1"));
		await expectRoutesToMatchBaseTables(start);
		await expectRollupsToMatchBaseTables();
	});

	it("change nothing when batches are redelivered, events are resent later and the archive is replayed", async () => {
		const start = Date.UTC(2032, 2, 1);
		const events = seededMix(2, start, "mix2");
		await ingest(events);
		const once = await rollupTables();

		await ingest(events.slice(0, 120), 2); // the queue delivers those batches again
		await ingest(events.slice(100, 160), 1, Date.now() + DAY); // accepted again after the idempotency window
		for (let i = 0; i < 2; i++) {
			const replay = await adminJson<{ failed: unknown[]; complete: boolean }>("/api/replay", {
				method: "POST",
				body: JSON.stringify({ from: start - DAY, to: start + 8 * DAY }),
			});
			expect(replay).toMatchObject({ failed: [], complete: true });
		}
		expect(await rollupTables()).toEqual(once);
		await expectRoutesToMatchBaseTables(start);
	});

	it("follow a replay that rewrites derived rows: other amounts, plans, currencies, features, users", async () => {
		const start = Date.UTC(2032, 4, 3);
		const events = seededMix(3, start, "mix3");
		await ingest(events);
		// A user whose subscription changes the fix hands to someone else.
		const moved = events.find((e) => e.event_type === "subscription_created" && e.user_id)!.user_id!;
		const heir = moved === "mix3_user_2" ? "mix3_user_3" : "mix3_user_2";
		const fixed = (type: string, fix: (row: Record<string, unknown>) => Record<string, unknown>) => {
			const handler = original.get(type)!;
			handlers.set(type, {
				...handler,
				derive: (event, at) =>
					Object.fromEntries(Object.entries(handler.derive(event, at)).map(([table, rows]) => [table, rows?.map(fix)])),
			});
		};
		// "Fixed" event types, as a deploy would bring: every derived table changes for some rows.
		fixed("usage_tracked", (r) => ({
			...r,
			quantity: Number(r.quantity) * 2,
			feature: r.feature === "exports" ? "exports_v2" : r.feature,
		}));
		fixed("payment_failed", (r) => ({ ...r, currency: r.currency === "GBP" ? "USD" : r.currency, amount: Number(r.amount) + 0.5 }));
		fixed("user_signup", (r) => ({ ...r, source: r.source === "ads" ? "paid_ads" : r.source }));
		fixed("subscription_created", (r) => ({
			...r,
			plan: String(r.plan).toUpperCase(),
			monthly_amount: Number(r.monthly_amount) + 1,
			status: r.status === "trialing" ? "active" : r.status,
			...(r.user_id === moved ? { user_id: heir, subscription_id: String(r.subscription_id).replace(moved, heir) } : {}),
		}));

		const replay = await replayArchive(env.DB, env.PAYLOADS, { from: start - DAY, to: start + 8 * DAY }, null, []);
		expect(replay).toMatchObject({ failed: [], complete: true });
		const subscribed = await env.DB.prepare("SELECT count(*) AS n FROM subscription_changes WHERE user_id = ?").bind(moved).first();
		expect(subscribed).toEqual({ n: 0 });
		await expectRoutesToMatchBaseTables(start);
		await expectRollupsToMatchBaseTables();
	});
});

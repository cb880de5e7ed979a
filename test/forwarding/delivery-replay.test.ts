import { describe, expect, it } from "vitest";
import { admin, adminJson, expectBadParam } from "../admin/helpers";
import { validEvent } from "../support/builders";
import { attemptRows, createDestination, deliveryRows, runDeliveries, storeEvents, uniqueSource } from "./helpers";

interface ReplayResult {
	matched: number;
	replayed: string[];
	next_cursor: string | null;
}

// Three deliveries that failed on their only attempt (connection refused).
async function threeFailed() {
	const source = uniqueSource();
	const destination = await createDestination({ event_types: ["*"], sources: [source], max_attempts: 1 });
	await storeEvents([validEvent("user_signup"), validEvent("usage_tracked"), validEvent("user_signup")], source);
	const ids = (await deliveryRows("source = ?", source)).map((r) => r.id as string);
	await runDeliveries(ids.map((delivery_id) => ({ kind: "deliver" as const, delivery_id })));
	expect((await deliveryRows("source = ?", source)).map((r) => r.status)).toEqual(["failed", "failed", "failed"]);
	// Paused, so the local consumer parks what is replayed instead of failing it again.
	await adminJson(`/api/destinations/${destination.id}/pause`, { method: "POST" });
	return { destination, ids, source };
}

const replay = (body: Record<string, unknown>) =>
	adminJson<ReplayResult>("/api/deliveries/replay", { method: "POST", body: JSON.stringify(body) });

describe("/api/deliveries", () => {
	it("shows one delivery with every attempt, status, latency and no credentials", async () => {
		const { ids } = await threeFailed();
		const one = await adminJson<{ status: string; attempts_log: Record<string, unknown>[] }>(`/api/deliveries/${ids[0]}`);
		expect(one.status).toBe("failed");
		expect(one.attempts_log).toEqual([
			expect.objectContaining({
				attempt: 1,
				outcome: "retry",
				http_status: null,
				error: expect.stringMatching(/^network_error/),
				latency_ms: expect.any(Number),
			}),
		]);
		expect((await admin("/api/deliveries/msg_unknown")).status).toBe(404);
	});

	it("replays failed deliveries by filter, a bounded number per request, continuing with the cursor", async () => {
		const { destination, ids, source } = await threeFailed();
		const first = await replay({ destination: destination.id, limit: 2 });
		expect(first.matched).toBe(2);
		expect(first.replayed).toHaveLength(2);
		expect(first.next_cursor).not.toBeNull();
		const second = await replay({ destination: destination.id, limit: 2, cursor: first.next_cursor });
		expect(second).toMatchObject({ matched: 1, next_cursor: null });
		expect([...first.replayed, ...second.replayed].sort()).toEqual([...ids].sort());

		// Each went back exactly once: none is failed, and none was attempted again while paused.
		const rows = await deliveryRows("source = ?", source);
		expect(rows.every((r) => r.status === "pending" || r.status === "held")).toBe(true);
		expect(rows.every((r) => r.attempts === 0)).toBe(true);
		for (const id of ids) expect(await attemptRows(id)).toHaveLength(1);
		expect((await replay({ destination: destination.id })).matched).toBe(0);
	});

	it("filters the list by status and destination and pages with a cursor", async () => {
		const { destination } = await threeFailed();
		const page = await adminJson<{ data: unknown[]; next_cursor: string | null }>(
			`/api/deliveries?destination=${destination.id}&status=failed&limit=2`,
		);
		expect(page.data).toHaveLength(2);
		const rest = await adminJson<{ data: unknown[]; next_cursor: string | null }>(
			`/api/deliveries?destination=${destination.id}&status=failed&limit=2&cursor=${page.next_cursor}`,
		);
		expect(rest).toMatchObject({ data: [expect.anything()], next_cursor: null });
		await expectBadParam("/api/deliveries?status=lost", "status");
		await expectBadParam("/api/deliveries?cursor=zzz", "cursor");
	});
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { usageQuery } from "../../src/analytics/params";
import {
	provenTopUsers,
	topCandidatesStatement,
	topFallbackFor,
	topUsersByTimeStatement,
	topUsersStatement,
} from "../../src/analytics/queries/top-users";
import type { EventEnvelope } from "../../src/events/envelope";
import { adminJson, processEvents } from "../admin/helpers";
import { referenceAnswer } from "./reference";

// Top users come from each 28-day period's leaders when those prove the
// answer (src/analytics/queries/top-users.ts), else from a scan; either way
// the answer is the scan's. This test owns 2033.

const DAY = 86_400_000;
let n = 0;
const usage = (user: string, at: number, quantity: number, feature = "api_calls"): EventEnvelope => ({
	event_id: `top_${++n}_${crypto.randomUUID()}`,
	event_type: "usage_tracked",
	timestamp: new Date(at).toISOString(),
	user_id: user,
	metadata: { feature, quantity },
});

async function ingest(events: EventEnvelope[]): Promise<void> {
	for (let i = 0; i < events.length; i += 25) await processEvents(events.slice(i, i + 25));
}

async function candidates(search: string) {
	const q = usageQuery.parse(Object.fromEntries(new URLSearchParams(search)));
	const { results } = await env.DB.prepare(topCandidatesStatement.sql)
		.bind(...topCandidatesStatement.binds(q))
		.all();
	return { q, proven: provenTopUsers(results, q.top) };
}

async function expectRouteToMatchScan(search: string) {
	const answer = await adminJson<{ top_users: unknown[] }>(`/api/analytics/usage?${search}`);
	const reference = (await referenceAnswer("usage", search, Date.now())) as { top_users: unknown[] };
	expect(answer.top_users).toEqual(reference.top_users);
	return reference.top_users;
}

describe("usage top users", () => {
	it("are proven from each period's leaders when a few users stand out", async () => {
		const start = Date.UTC(2033, 0, 1);
		const events: EventEnvelope[] = [];
		for (let u = 0; u < 5; u++) {
			for (let i = 0; i < 30; i++)
				events.push(usage(`top_heavy_${u}`, start + i * 2 * DAY + u * 3_600_000, 10 + u, i % 2 ? "exports" : "api_calls"));
		}
		for (let u = 0; u < 120; u++) events.push(usage(`top_light_${u}`, start + (u % 59) * DAY, 1 + (u % 3)));
		await ingest(events);

		for (const search of [
			"from=2033-01-03T06:00:00Z&to=2033-02-25T18:00:00Z&interval=day&top=3",
			"from=2033-01-01&to=2033-03-01&interval=week&top=5",
			"from=2033-01-10&to=2033-02-20&interval=day&feature=exports&top=2",
		]) {
			const { proven } = await candidates(search);
			expect(proven, search).not.toBeNull();
			expect(proven).toEqual(await expectRouteToMatchScan(search));
		}
	});

	it("fall back to a scan, with the same answer, when usage is too flat to prove anyone", async () => {
		const start = Date.UTC(2033, 5, 1);
		await ingest(Array.from({ length: 100 }, (_, u) => usage(`top_flat_${String(u).padStart(3, "0")}`, start + (u % 5) * DAY, 2)));

		const short = "from=2033-06-01&to=2033-06-06&interval=day&top=5";
		const long = "from=2033-05-20&to=2033-07-01&interval=day&top=5";
		for (const search of [short, long]) {
			const { proven } = await candidates(search);
			expect(proven, search).toBeNull();
			// Equal totals rank by user id, as the scan orders them.
			expect(await expectRouteToMatchScan(search)).toEqual(
				["000", "001", "002", "003", "004"].map((u) => ({ user_id: `top_flat_${u}`, quantity: 2, events: 1 })),
			);
		}
		expect(topFallbackFor((await candidates(short)).q)).toBe(topUsersByTimeStatement);
		expect(topFallbackFor((await candidates(long)).q)).toBe(topUsersStatement);
	});

	it("list everyone when no period has more users than its ranking reads", async () => {
		const start = Date.UTC(2033, 8, 1);
		await ingest([usage("top_few_a", start, 1), usage("top_few_b", start + DAY, 3), usage("top_few_c", start + 40 * DAY, 2, "seats")]);
		const search = "from=2033-09-01&to=2033-11-01&interval=week&top=10";
		const { proven } = await candidates(search);
		expect(proven?.map((u) => u.user_id)).toEqual(["top_few_b", "top_few_c", "top_few_a"]);
		expect(proven).toEqual(await expectRouteToMatchScan(search));
	});
});

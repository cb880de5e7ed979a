import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { listEvents } from "../../src/admin/event-queries";
import { decodeCursor } from "../../src/shared/cursor";
import { validEvent } from "../support/builders";
import { processEvents } from "./helpers";

describe("GET /api/events filters without an index", () => {
	it("look at a bounded number of events per page, and the cursor walks on to every match exactly once", async () => {
		const from = Date.UTC(2036, 0, 1);
		const at = (i: number) => new Date(from + i * 60_000).toISOString();
		const rare = `rare_${crypto.randomUUID().slice(0, 8)}`;
		const events = Array.from({ length: 12 }, (_, i) => validEvent(i % 4 === 0 ? rare : "usage_tracked", { timestamp: at(i) }));
		await processEvents(events);
		const expected = events
			.filter((e) => e.event_type === rare)
			.map((e) => e.event_id)
			.reverse();

		const seen: string[] = [];
		let cursor: string | null = null;
		let pages = 0;
		do {
			const page = await listEvents(
				env.DB,
				{ type: rare, from, to: from + 3_600_000, limit: 2, cursor: decodeCursor(cursor ?? undefined) },
				3,
			);
			seen.push(...page.data.map((e) => e.event_id));
			expect(page.data.length).toBeLessThanOrEqual(2);
			cursor = page.next_cursor;
			pages++;
		} while (cursor && pages < 20);
		expect(seen).toEqual(expected);
		expect(pages).toBeGreaterThanOrEqual(4); // 12 events, 3 looked at per page
	});
});

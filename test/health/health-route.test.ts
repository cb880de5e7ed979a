import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { countRows, postSigned, queueMessage, validEvent } from "../support/builders";
import { asMessages, deliver } from "../support/queue";

describe("GET /health", () => {
	it("reports healthy with counters from durable state", async () => {
		const before = (await (await exports.default.fetch("https://pipeline.test/health")).json()) as { events: Record<string, number> };
		expect((await postSigned(validEvent())).status).toBe(202);
		await deliver("webhook-events", asMessages([queueMessage(validEvent("usage_tracked"))]));

		// The local queue may process the posted event at any moment: bracket it.
		const processedBefore = await countRows("SELECT count(*) AS n FROM events WHERE status = 'processed'");
		const res = await exports.default.fetch("https://pipeline.test/health");
		const processedAfter = await countRows("SELECT count(*) AS n FROM events WHERE status = 'processed'");
		expect(res.status).toBe(200);
		const body = (await res.json()) as { status: string; signing: string; events: Record<string, number> };
		expect(body.status).toBe("healthy");
		expect(body.signing).toBe("enabled");
		expect(body.events.accepted).toBe(before.events.accepted! + 1);
		expect(body.events.processed).toBeGreaterThanOrEqual(Math.max(1, processedBefore));
		expect(body.events.processed).toBeLessThanOrEqual(processedAfter);
		expect(JSON.stringify(body)).not.toContain("dev-webhook-secret");
	});

	it("answers the no-I/O liveness probe", async () => {
		const res = await exports.default.fetch("https://pipeline.test/health/live");
		expect(await res.json()).toEqual({ status: "ok" });
	});
});

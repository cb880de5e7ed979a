import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { admin, adminJson } from "../admin/helpers";
import { countRows, postSigned, queueMessage, validEvent } from "../support/builders";
import { asMessages, deliver } from "../support/queue";

// The Worker with some bindings replaced (fault injection on real ones).
async function fetchWith(path: string, overrides: Partial<Env>): Promise<Response> {
	const ctx = createExecutionContext();
	const res = await worker.fetch(new Request(`https://localhost${path}`), { ...env, ...overrides }, ctx);
	await waitOnExecutionContext(ctx);
	return res;
}

const unreachable = () => {
	throw new Error("must not be called");
};

describe("GET /health (public)", () => {
	it("answers healthy with only a status and the time: no counters, no signing state", async () => {
		const res = await exports.default.fetch("https://localhost/health");
		expect(res.status).toBe(200);
		const body = (await res.json()) as Record<string, unknown>;
		expect(Object.keys(body).sort()).toEqual(["status", "time"]);
		expect(body.status).toBe("healthy");
		expect(JSON.stringify(body)).not.toMatch(/signing|secret|enabled/i);
	});

	it("does not call a single idempotency shard, however many there are", async () => {
		const shards = { get: unreachable, idFromName: unreachable, idFromString: unreachable, newUniqueId: unreachable };
		const res = await fetchWith("/health", {
			IDEMPOTENCY: shards as unknown as Env["IDEMPOTENCY"],
			IDEMPOTENCY_SHARDS: "1000",
		});
		expect(res.status).toBe(200);
		expect(await res.json()).toMatchObject({ status: "healthy" });
	});

	it("answers 503 degraded, without the error's text, when D1 cannot be read", async () => {
		const brokenDb = { prepare: unreachable, batch: unreachable } as unknown as D1Database;
		const res = await fetchWith("/health", { DB: brokenDb });
		expect(res.status).toBe(503);
		expect(await res.json()).toEqual({ status: "degraded", error: "dependency_unavailable", message: "D1 cannot be read" });
	});

	it("answers the no-I/O liveness probe", async () => {
		const res = await exports.default.fetch("https://localhost/health/live");
		expect(await res.json()).toEqual({ status: "ok" });
	});
});

describe("GET /api/health (admin)", () => {
	it("needs the admin token", async () => {
		expect((await admin("/api/health", { token: null })).status).toBe(401);
		expect((await admin("/api/health", { token: "not-the-token" })).status).toBe(401);
	});

	it("reports counters from durable state, the signing state and the idempotency shards", async () => {
		const before = await adminJson<{ events: Record<string, number> }>("/api/health");
		expect((await postSigned(validEvent())).status).toBe(202);
		await deliver("webhook-events", asMessages([queueMessage(validEvent("usage_tracked"))]));

		// The local queue may process the posted event at any moment: bracket it.
		const processedBefore = await countRows("SELECT count(*) AS n FROM events WHERE status = 'processed'");
		const body = await adminJson<{
			status: string;
			signing: string;
			events: Record<string, number>;
			idempotency: Record<string, number>;
		}>("/api/health");
		const processedAfter = await countRows("SELECT count(*) AS n FROM events WHERE status = 'processed'");
		expect(body.status).toBe("healthy");
		expect(body.signing).toBe("enabled");
		expect(body.events.accepted).toBe(before.events.accepted! + 1);
		expect(body.events.processed).toBeGreaterThanOrEqual(Math.max(1, processedBefore));
		expect(body.events.processed).toBeLessThanOrEqual(processedAfter);
		expect(body.events).toHaveProperty("redelivered");
		expect(body.events).toHaveProperty("backlog");
		expect(body.idempotency).toMatchObject({ shards: 16, window_seconds: 86_400, live_claims: expect.any(Number) });
		expect(JSON.stringify(body)).not.toContain("dev-webhook-secret");
	});
});

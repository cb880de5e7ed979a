import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { ApiError, DEFAULT_RETRY_AFTER_SECONDS, errorResponse, retryAfter } from "./errors";

function answer(err: Error): Promise<Response> {
	const app = new Hono();
	app.onError(errorResponse);
	app.get("/", () => {
		throw err;
	});
	return Promise.resolve(app.request("/"));
}

describe("retryAfter", () => {
	it("gives whole non-negative seconds, rounded up so a retry never comes early", () => {
		expect(retryAfter(5)).toEqual({ "Retry-After": "5" });
		expect(retryAfter(1.2)).toEqual({ "Retry-After": "2" });
		expect(retryAfter(59.001)).toEqual({ "Retry-After": "60" });
		expect(retryAfter(0)).toEqual({ "Retry-After": "0" });
		expect(retryAfter(-3)).toEqual({ "Retry-After": "0" });
	});
});

describe("ApiError and the one onError", () => {
	it("answers the status with {error, message} and the details as extra fields, keeping the cause", async () => {
		const cause = new Error("underlying");
		const err = new ApiError(404, { code: "event_not_found", message: "No event e1", details: { event_id: "e1" }, cause });
		expect(err.cause).toBe(cause);
		const res = await answer(err);
		expect(res.status).toBe(404);
		expect(await res.json()).toEqual({ error: "event_not_found", message: "No event e1", event_id: "e1" });
	});

	it("gives a 503 the default Retry-After, and keeps the error's own", async () => {
		const bare = await answer(new ApiError(503, { code: "queue_unavailable", message: "down" }));
		expect(bare.headers.get("retry-after")).toBe(String(DEFAULT_RETRY_AFTER_SECONDS));
		const own = await answer(new ApiError(503, { code: "queue_unavailable", message: "down", headers: retryAfter(5) }));
		expect(own.headers.get("retry-after")).toBe("5");
		const lowerCase = await answer(new ApiError(503, { code: "x", message: "down", headers: { "retry-after": "7" } }));
		expect(lowerCase.headers.get("retry-after")).toBe("7");
	});

	it("sets Retry-After on a 429 or 409 only when the error carries it", async () => {
		const limited = await answer(new ApiError(429, { code: "rate_limited", message: "slow down", headers: retryAfter(60) }));
		expect(limited.headers.get("retry-after")).toBe("60");
		const conflict = await answer(new ApiError(409, { code: "dead_letter_resolved", message: "resolved" }));
		expect(conflict.headers.get("retry-after")).toBeNull();
	});
});

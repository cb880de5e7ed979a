// Every 503 the Worker answers carries Retry-After, whichever part of it
// produced the 503: configuration missing or wrong, a dependency down.
import { describe, expect, it } from "vitest";
import { signedRequest, validEvent } from "../support/builders";
import { deliveryRequest, sampleBody, signDelivery } from "../support/providers";
import { fetchRecording } from "../support/queue";

const broken = { prepare: () => ({ first: () => Promise.reject(new Error("D1 down")) }) } as unknown as D1Database;
const down = { sendBatch: () => Promise.reject(new Error("queue down")) } as unknown as Queue;

async function github(source = "github") {
	return deliveryRequest(source, await signDelivery("github", sampleBody("github")));
}

// [what produces it, the request, the env overrides, the error code]
const producers: [string, () => Promise<Request>, Partial<Env>, string][] = [
	["WEBHOOK_SECRET unset (direct events)", () => signedRequest(validEvent()), { WEBHOOK_SECRET: "" }, "signing_not_configured"],
	["a source's secret unset", () => github(), { GITHUB_WEBHOOK_SECRET: "" }, "signing_not_configured"],
	[
		"a source's rate limiting binding not bound",
		() => github("unbound"),
		{ SOURCES: [{ name: "unbound", kind: "github", secretVars: ["GITHUB_WEBHOOK_SECRET"], rateLimit: { binding: "NO_SUCH_BINDING" } }] },
		"rate_limit_not_configured",
	],
	[
		"a secret not in its provider's format",
		async () => deliveryRequest("std", await signDelivery("standard", sampleBody("standard"))),
		{
			SOURCES: [{ name: "std", kind: "standard", secretVars: ["BAD_STANDARD_SECRET"] }],
			BAD_STANDARD_SECRET: "whsec_!!not base64!!",
		} as Partial<Env>,
		"signing_misconfigured",
	],
	["SOURCES invalid", () => github(), { SOURCES: [{ name: "github", kind: "nope" }] }, "sources_misconfigured"],
	["the events queue down", () => github(), { EVENTS_QUEUE: down }, "queue_unavailable"],
	["the admin token unset", async () => new Request("https://localhost/api/stats"), { ADMIN_TOKEN: "" }, "admin_disabled"],
	["D1 unreadable (readiness probe)", async () => new Request("https://localhost/health"), { DB: broken }, "dependency_unavailable"],
];

describe("every 503 carries Retry-After", () => {
	it.each(producers)("%s", async (_name, request, overrides, code) => {
		const { response } = await fetchRecording(await request(), overrides);
		expect(response.status).toBe(503);
		expect(await response.json()).toMatchObject({ error: code });
		expect(response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
	});

	it("keeps a producer's own Retry-After (the queue's 5 s, not the default)", async () => {
		const { response } = await fetchRecording(await github(), { EVENTS_QUEUE: down });
		expect(response.headers.get("retry-after")).toBe("5");
	});
});

// Who pays for a request: a source's rate limit counts only deliveries that
// passed verification; everything refused before that (401, 413, 415, 400)
// is charged to the client IP and feeds its block.
import { describe, expect, it } from "vitest";
import { deliveryRequest, sampleBody, signDelivery } from "../support/providers";
import { fetchRecording } from "../support/queue";

// A source of its own (the tiny limit is 2 per minute, keyed by source name),
// so other tests never share its count.
function tinySource() {
	const name = `tiny-${crypto.randomUUID().slice(0, 8)}`;
	return {
		name,
		sources: [{ name, kind: "github", secretVars: ["GITHUB_WEBHOOK_SECRET"], rateLimit: { binding: "TEST_TINY_RATE_LIMIT" } }],
	};
}

const randomIp = () => `198.18.${Math.floor(Math.random() * 256)}.${Math.floor(Math.random() * 256)}`;

describe("source rate limits count verified deliveries only", () => {
	it("a flood of unsigned, badly typed and oversized posts leaves a source's quota to its real deliveries", async () => {
		const { name, sources } = tinySource();
		const signed = await signDelivery("github", sampleBody("github"));
		const statuses: number[] = [];
		for (let i = 0; i < 4; i++) {
			const { "x-hub-signature-256": _sig, ...unsigned } = signed.headers;
			const request = new Request(`https://localhost/webhook/${name}`, { method: "POST", headers: unsigned, body: signed.body });
			statuses.push((await fetchRecording(request, { SOURCES: sources })).response.status);
		}
		for (let i = 0; i < 4; i++) {
			const plain = deliveryRequest(name, signed, { "content-type": "text/plain" });
			statuses.push((await fetchRecording(plain, { SOURCES: sources })).response.status);
		}
		const oversized = deliveryRequest(name, signed);
		statuses.push((await fetchRecording(oversized, { SOURCES: sources, MAX_BODY_BYTES: "16" })).response.status);
		expect(statuses).toEqual([401, 401, 401, 401, 415, 415, 415, 415, 413]);

		const real = await fetchRecording(deliveryRequest(name, await signDelivery("github", sampleBody("github"))), { SOURCES: sources });
		expect(real.response.status).toBe(202);
		expect(real.sent).toHaveLength(1);
	});

	it("charges a verified delivery the handler refuses (no delivery id) to the source, not the address", async () => {
		const { name, sources } = tinySource();
		const ip = randomIp();
		const statuses: number[] = [];
		for (let i = 0; i < 3; i++) {
			const delivery = await signDelivery("github", sampleBody("github"), { headers: { "x-github-delivery": "" } });
			statuses.push(
				(await fetchRecording(deliveryRequest(name, delivery, { "cf-connecting-ip": ip }), { SOURCES: sources })).response.status,
			);
		}
		expect(statuses).toEqual([400, 400, 429]);
	});

	it("counts 415 and 413 answers per client IP, so an address that keeps sending junk is blocked before its body is read", async () => {
		const ip = randomIp();
		const junk = await signDelivery("github", sampleBody("github"));
		const statuses: number[] = [];
		// VERIFY_FAILURE_RATE_LIMIT allows 30 a minute: the 31st goes over.
		for (let i = 0; i < 31; i++) {
			const request = deliveryRequest("github", junk, {
				"cf-connecting-ip": ip,
				"content-type": i % 2 ? "text/plain" : "application/json",
			});
			statuses.push((await fetchRecording(request, i % 2 ? {} : { MAX_BODY_BYTES: "16" })).response.status);
		}
		expect(new Set(statuses)).toEqual(new Set([413, 415]));
		const blocked = await fetchRecording(
			deliveryRequest("github", await signDelivery("github", sampleBody("github")), { "cf-connecting-ip": ip }),
		);
		expect(blocked.response.status).toBe(429);
		expect(await blocked.response.json()).toMatchObject({ error: "too_many_failures" });
		expect(blocked.response.headers.get("retry-after")).toMatch(/^\d+$/);
		expect(blocked.sent).toEqual([]);
	});
});

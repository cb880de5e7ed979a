// Property-based suite through the Worker's own fetch, in the Workers
// runtime: whatever a sender throws at the edge, it never gets a 5xx (but a
// 503 with Retry-After when a dependency is down), never a 2xx for a body that
// is unsigned or wrongly signed, and an event answered 2xx is on the queue
// exactly once. FUZZ_RUNS=<n> npm run test:unit -- test/ingest/fuzz for long runs.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { signBody } from "../../src/shared/crypto";
import { deliveryRequest, type ProviderKind, signDelivery } from "../support/providers";
import { fetchRecording } from "../support/queue";

const RUNS = Number(env.FUZZ_RUNS) > 0 ? Number(env.FUZZ_RUNS) : 300;
const PATHS = [
	"/webhook/events",
	"/webhook/batch",
	"/webhook/stripe",
	"/webhook/github",
	"/webhook/slack",
	"/webhook/standard",
	"/webhook/nope",
];
const CONTENT_TYPES = [
	"application/json",
	"application/json; charset=utf-8",
	"text/plain",
	"application/x-www-form-urlencoded",
	"",
	"application/vnd.api+json",
];

// Random JSON with the awkward parts: deep nesting, unicode and lone
// surrogates, huge numbers, duplicate keys and __proto__.
const awkwardJson = fc.oneof(
	fc.jsonValue().map((v) => JSON.stringify(v)),
	fc.string({ unit: "binary" }).map((s) => JSON.stringify({ event_id: s, event_type: s, timestamp: s })),
	fc.integer({ min: 1, max: 3000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
	fc.constantFrom("1e400", "-1e400", "9007199254740993", "123456789012345678901234567890", "1e-400", "0.1"),
	fc.constantFrom('{"a":1,"a":2}', '{"__proto__":{"x":1},"constructor":1}', '"\\ud800"', "\u00e9\ud83d\ude00", "nul\u0000l"),
	fc.uint8Array({ maxLength: 512 }).map((bytes) => new TextDecoder().decode(bytes)),
);

const headerSet = fc.record({
	contentType: fc.constantFrom(...CONTENT_TYPES),
	contentLength: fc.option(fc.constantFrom("0", "-1", "abc", "99999999999", "12"), { nil: undefined }),
	signature: fc.option(
		fc.oneof(
			fc.string(),
			fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }).map((h) => `sha256=${h}`),
		),
		{ nil: undefined },
	),
	extra: fc.dictionary(
		fc.constantFrom("stripe-signature", "x-hub-signature-256", "x-slack-signature", "webhook-signature", "x-webhook-source", "webhook-id"),
		fc.string(),
	),
});

function isAcceptableFailure(res: Response): boolean {
	if (res.status < 500) return true;
	return res.status === 503 && res.headers.get("retry-after") !== null;
}

describe("ingest edge, property-based", () => {
	it("never answers 5xx (bar 503 + Retry-After) and never 2xx to an unsigned or wrongly signed body", async () => {
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...PATHS), awkwardJson, headerSet, async (path, body, h) => {
				const headers: Record<string, string> = { ...h.extra };
				if (h.contentType) headers["content-type"] = h.contentType;
				if (h.contentLength) headers["content-length"] = h.contentLength;
				if (h.signature !== undefined) headers["x-webhook-signature"] = h.signature;
				let request: Request;
				try {
					request = new Request(`https://localhost${path}`, { method: "POST", headers, body });
				} catch {
					return; // a header the fetch API itself refuses never reaches us
				}
				const { response, sent } = await fetchRecording(request);
				expect(isAcceptableFailure(response), `${path} ${response.status}`).toBe(true);
				const json = (await response.json()) as { error?: string; message?: string };
				if (response.status >= 400) expect(typeof json.error === "string" && typeof json.message === "string").toBe(true);
				// Random signatures never verify.
				expect(response.status < 200 || response.status >= 300).toBe(true);
				expect(sent).toEqual([]);
			}),
			{ numRuns: RUNS },
		);
	});

	it("puts a signed event answered 2xx on the queue exactly once, however often and however formatted it is sent", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.record({
					user: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() === s && s.length > 0),
					note: fc.string({ unit: "grapheme", maxLength: 40 }),
					quantity: fc.integer({ min: 0, max: 1_000_000 }),
				}),
				fc.integer({ min: 1, max: 4 }),
				async ({ user, note, quantity }, copies) => {
					const event = {
						event_id: `evt_fuzz_${crypto.randomUUID()}`,
						event_type: "usage_tracked",
						timestamp: "2026-11-27T10:00:00Z",
						user_id: user,
						metadata: { feature: note || "api", quantity },
					};
					let enqueued = 0;
					for (let i = 0; i < copies; i++) {
						// Same content, other formatting each time.
						const raw = i % 2 ? JSON.stringify(event, null, 2) : JSON.stringify(event);
						const signature = `sha256=${await signBody(env.WEBHOOK_SECRET, raw)}`;
						const request = new Request("https://localhost/webhook/events", {
							method: "POST",
							headers: { "content-type": "application/json", "x-webhook-signature": signature },
							body: raw,
						});
						const { response, sent } = await fetchRecording(request);
						expect([200, 202]).toContain(response.status);
						enqueued += sent.length;
					}
					expect(enqueued).toBe(1);
				},
			),
			{ numRuns: Math.ceil(RUNS / 3) },
		);
	});

	it("never answers 2xx to a provider delivery whose signed body was changed by one byte", async () => {
		const kinds: ProviderKind[] = ["stripe", "github", "slack", "standard"];
		await fc.assert(
			fc.asyncProperty(fc.constantFrom(...kinds), fc.jsonValue(), fc.nat(), async (kind, value, at) => {
				const body = JSON.stringify({ id: `evt_${crypto.randomUUID()}`, type: "x.y", event_id: `Ev${at}`, event: { type: "m" }, value });
				const delivery = await signDelivery(kind, body);
				const i = at % body.length;
				const flipped = body.slice(0, i) + (body[i] === "a" ? "b" : "a") + body.slice(i + 1);
				const { response, sent } = await fetchRecording(deliveryRequest(kind, { ...delivery, body: flipped }));
				expect(response.status).toBe(401);
				expect(sent).toEqual([]);
			}),
			{ numRuns: Math.ceil(RUNS / 3) },
		);
	});
});

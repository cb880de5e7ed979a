// Every kind of bad input, each with the status it got. Anything that is not
// the expected clean 4xx (JSON {error, message}) is flagged. Poison (valid
// envelope, bad data) is accepted and must then reach dead_letters, which the
// reconciliation checks.
import type { EventEnvelope } from "../../../src/events/envelope";
import { type HttpResult, isCleanRejection, type RawRequest, request, signedHeaders } from "../http";
import type { SendRecord } from "../reconcile";
import { detailOf, elapsedSince, flaggedOf, recordOf, type Scenario, type ScenarioContext } from "./common";

interface Case {
	label: string;
	expect: number;
	build(ctx: ScenarioContext): Promise<RawRequest>;
	// The event it carries, when it could land in D1.
	event?: EventEnvelope;
	poison?: boolean;
}

const signed = async (ctx: ScenarioContext, path: string, body: string, overrides: Record<string, string> = {}): Promise<RawRequest> => ({
	path,
	body,
	headers: { ...(await signedHeaders(ctx.target.secret, body)), ...overrides },
});

function cases(ctx: ScenarioContext): Case[] {
	const valid = () => ctx.factory.next();
	const json = (value: unknown) => JSON.stringify(value);
	const poisonUsage = ctx.factory.poison();
	const poisonSubscription = {
		...valid(),
		event_type: "subscription_created",
		metadata: { plan: "pro", amount: "29", currency: "USD", interval: "month" },
	};
	const event = (e: EventEnvelope, rest: Omit<Case, "build" | "event">, build: (body: string) => Promise<RawRequest>): Case => ({
		...rest,
		event: e,
		build: () => build(json(e)),
	});
	const unsigned = valid();
	const wrongKey = valid();
	const tampered = valid();
	const wrongType = valid();
	return [
		{ label: "malformed JSON", expect: 400, build: () => signed(ctx, "/webhook/events", '{"event_id": "x", ') },
		{ label: "missing fields (event_type, timestamp)", expect: 400, build: () => signed(ctx, "/webhook/events", json({ event_id: "x" })) },
		{
			label: "timestamp without a zone",
			expect: 400,
			build: () => signed(ctx, "/webhook/events", json({ ...valid(), timestamp: "2026-11-27T10:00:00" })),
		},
		{
			label: "event_id with whitespace",
			expect: 400,
			build: () => signed(ctx, "/webhook/events", json({ ...valid(), event_id: "has space" })),
		},
		{ label: "metadata not an object", expect: 400, build: () => signed(ctx, "/webhook/events", json({ ...valid(), metadata: "oops" })) },
		event(unsigned, { label: "missing signature", expect: 401 }, async (body) => ({
			path: "/webhook/events",
			body,
			headers: { "content-type": "application/json" },
		})),
		event(wrongKey, { label: "signed with the wrong secret", expect: 401 }, async (body) => {
			const headers = await signedHeaders("not-the-secret", body);
			return { path: "/webhook/events", body, headers };
		}),
		event(tampered, { label: "body changed after signing", expect: 401 }, async (body) => {
			const headers = await signedHeaders(ctx.target.secret, body);
			return { path: "/webhook/events", body: body.replace(/"user_id":"/, '"user_id":"x'), headers };
		}),
		event(wrongType, { label: "wrong content type (text/plain)", expect: 415 }, (body) =>
			signed(ctx, "/webhook/events", body, { "content-type": "text/plain" }),
		),
		{
			label: "oversized body (70 KB)",
			expect: 413,
			build: () => signed(ctx, "/webhook/events", json({ ...valid(), metadata: { blob: "x".repeat(70_000) } })),
		},
		{
			label: "bad source name",
			expect: 400,
			build: async () => ({ ...(await signed(ctx, "/webhook/events", json(valid()))), path: "/webhook/events?source=Not%20Valid!" }),
		},
		{ label: "GET instead of POST", expect: 405, build: async () => ({ method: "GET", path: "/webhook/events" }) },
		{ label: "batch with no events", expect: 400, build: () => signed(ctx, "/webhook/batch", json({ events: [] })) },
		{
			label: "batch over the 100-event limit",
			expect: 400,
			build: () => signed(ctx, "/webhook/batch", json({ events: Array.from({ length: 101 }, valid) })),
		},
		{
			label: "batch where no event is valid",
			expect: 400,
			build: () => signed(ctx, "/webhook/batch", json({ events: [{ event_id: "a" }, { nope: 1 }] })),
		},
		event(poisonUsage, { label: "poison: usage without feature, negative quantity", expect: 202, poison: true }, (body) =>
			signed(ctx, "/webhook/events", body),
		),
		event(poisonSubscription, { label: "poison: subscription amount as a string", expect: 202, poison: true }, (body) =>
			signed(ctx, "/webhook/events", body),
		),
	];
}

// Clean means: the expected status, and for a 4xx the JSON error shape.
export function judge(expect: number, result: Pick<HttpResult, "status" | "body">): string | null {
	if (result.status !== expect) return `expected ${expect}, got ${result.status || "no response"}`;
	if (expect >= 400 && !isCleanRejection(result)) return "not a clean JSON {error, message} rejection";
	return null;
}

export const invalid: Scenario = async (ctx) => {
	const start = performance.now();
	const records: SendRecord[] = [];
	const details = [];
	const all = cases(ctx);
	for (const c of all) {
		const result = await request(ctx.target, await c.build(ctx));
		const problem = judge(c.expect, result);
		details.push(
			detailOf(c.label, result, problem ?? (c.poison ? "accepted; must reach dead_letters" : "clean rejection"), problem !== null),
		);
		// Cases without an event of the run are recorded under their label, so
		// the ack counts cover every request.
		records.push(recordOf(c.event ?? { event_id: `invalid:${c.label}` }, result, c.poison ? "poison" : "valid"));
	}
	return {
		records,
		details,
		requests: all.length,
		windowMs: elapsedSince(start),
		flagged: flaggedOf(details),
	};
};

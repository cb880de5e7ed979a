import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { EventEnvelope } from "../../src/events/envelope";
import { queueMessage } from "../support/builders";
import { asMessages, deliver } from "../support/queue";
import { ROUTES, referenceAnswer, rounded } from "./reference";

// Events in batches of 10 through the real queue consumer, the way queues
// deliver them.
export async function ingest(events: EventEnvelope[], attempts = 1, receivedAt?: number): Promise<void> {
	for (let i = 0; i < events.length; i += 10) {
		const batch = events.slice(i, i + 10).map((e) => queueMessage(e, receivedAt));
		const result = await deliver("webhook-events", asMessages(batch, attempts));
		expect(result.retryMessages).toEqual([]);
	}
}

// GET /api/analytics/<route>?<search>, as an admin.
export async function routeAnswer(route: string, search: string): Promise<unknown> {
	const res = await exports.default.fetch(
		new Request(`https://localhost/api/analytics/${route}?${search}`, { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } }),
	);
	expect(res.status, `${route}?${search}`).toBe(200);
	return res.json();
}

// Every route's answer for every window, keyed `<route>?<search>`.
export async function routeAnswers(windows: readonly string[]): Promise<Record<string, unknown>> {
	const answers: Record<string, unknown> = {};
	for (const search of windows) for (const route of ROUTES) answers[`${route}?${search}`] = rounded(await routeAnswer(route, search));
	return answers;
}

// The oracle's answers (./reference.ts) for the same keys.
export async function referenceAnswers(windows: readonly string[], now: number): Promise<Record<string, unknown>> {
	const answers: Record<string, unknown> = {};
	for (const search of windows)
		for (const route of ROUTES) answers[`${route}?${search}`] = rounded(await referenceAnswer(route, search, now));
	return answers;
}

// N events through POST /webhook/batch, at most `perRequest` per request
// (one request for the default 20).
import type { EventEnvelope } from "../../../src/events/envelope";
import { type HttpResult, postSigned, type Target } from "../http";
import type { SendRecord } from "../reconcile";
import { openLoop } from "../traffic";
import { detailOf, type Scenario } from "./common";

interface BatchResponse {
	accepted?: number;
	duplicates?: number;
	rejected?: number;
	results?: { index: number; status: "accepted" | "duplicate" | "rejected"; error?: string }[];
}

export interface BatchSends {
	records: SendRecord[];
	responses: HttpResult[];
	windowMs: number;
}

// Per-event records from one batch response: each event is settled on its own.
export function batchRecords(events: readonly EventEnvelope[], result: HttpResult): SendRecord[] {
	const results = (result.body as BatchResponse | null)?.results ?? [];
	const byIndex = new Map(results.map((r) => [r.index, r]));
	return events.map((event, index) => {
		const r = byIndex.get(index);
		const outcome =
			result.status === 0
				? "no_response"
				: r?.status === "accepted"
					? "accepted"
					: r?.status === "duplicate"
						? "duplicate"
						: result.status >= 500
							? "unavailable"
							: "rejected";
		return { eventId: event.event_id, intent: "valid", outcome, ackMs: result.ms };
	});
}

export async function sendBatches(
	target: Target,
	events: readonly EventEnvelope[],
	perRequest: number,
	concurrency: number,
): Promise<BatchSends> {
	const chunks = Array.from({ length: Math.ceil(events.length / perRequest) }, (_, i) =>
		events.slice(i * perRequest, (i + 1) * perRequest),
	);
	const records: SendRecord[] = [];
	const responses: HttpResult[] = [];
	const loop = await openLoop(
		new Array<number>(chunks.length).fill(0),
		{ maxInFlight: concurrency, measureFrom: "send" },
		async (i, since) => {
			const chunk = chunks[i]!;
			const result = await postSigned(target, "/webhook/batch", { events: chunk }, since);
			records.push(...batchRecords(chunk, result));
			responses.push(result);
		},
	);
	return { records, responses, windowMs: loop.windowMs };
}

export const MAX_PER_BATCH = 100;

export const batch: Scenario = async (ctx) => {
	const events = Array.from({ length: ctx.options.count ?? 20 }, () => ctx.factory.next());
	const sent = await sendBatches(ctx.target, events, MAX_PER_BATCH, Math.min(ctx.options.concurrency, 8));
	const details = sent.responses.map((r, i) => {
		const body = r.body as BatchResponse | null;
		const d = detailOf(`batch request ${i + 1}`, r);
		return {
			...d,
			outcome: `accepted ${body?.accepted ?? 0}, duplicates ${body?.duplicates ?? 0}, rejected ${body?.rejected ?? 0}`,
			flagged: r.status !== 202,
		};
	});
	return {
		records: sent.records,
		requests: sent.responses.length,
		ackLatencies: sent.responses.map((r) => r.ms),
		windowMs: sent.windowMs,
		details,
		flagged: details.filter((d) => d.flagged).map((d) => `${d.label} answered ${d.status}`),
	};
};

import { zValidator } from "@hono/zod-validator";
import { Hono } from "hono";
import { z } from "zod";
import { DIRECT_SOURCE, type EventEnvelope, eventEnvelopeSchema, SOURCE_PATTERN } from "../events/envelope";
import { ApiError } from "../shared/errors";
import { fieldIssues, rejectInvalid } from "../shared/validation";
import { type AcceptItem, type AcceptOutcome, acceptEvents, eventHash } from "./accept";
import { singleEventAnswer } from "./answer";
import { type BatchResponse, batchDoc, eventsDoc } from "./docs";
import { type IngestEnv, jsonBody, parseJson, webhookSignature } from "./middleware";
import { sourceRoutes } from "./sources";

const batchBodySchema = z.object({ events: z.array(z.unknown()).min(1, "must contain at least one event") });

interface Arrival {
	source: string;
	receivedAt: number;
}

// An event with the content hash its idempotency claim is made with.
interface HashedEvent {
	event: EventEnvelope;
	bodyHash: string;
}

// Direct events are deduplicated under their own event_id, whatever source
// label the sender gives them.
const directItem = ({ event, bodyHash }: HashedEvent, arrival: Arrival): AcceptItem => ({
	key: event.event_id,
	bodyHash,
	message: { event, received_at: arrival.receivedAt, source: arrival.source },
});

function arrivalOf(c: { req: { query(name: string): string | undefined; header(name: string): string | undefined } }): Arrival {
	const source = (c.req.query("source") ?? c.req.header("x-webhook-source") ?? DIRECT_SOURCE).toLowerCase();
	if (!SOURCE_PATTERN.test(source)) {
		throw new ApiError(400, "invalid_source", "source must be 1-64 chars of a-z, 0-9, '_', '.', '-'", {
			fields: [{ field: "source", message: "invalid source name" }],
		});
	}
	return { source, receivedAt: Date.now() };
}

export const webhookRoutes = new Hono<IngestEnv>()
	.post(
		"/events",
		eventsDoc,
		jsonBody(),
		webhookSignature(),
		parseJson(),
		zValidator("json", eventEnvelopeSchema, rejectInvalid),
		async (c) => {
			const event = c.req.valid("json");
			const item = directItem({ event, bodyHash: await eventHash(event) }, arrivalOf(c));
			const outcome = (await acceptEvents(c.env, c.get("config"), [item])).get(item.key);
			const answer = singleEventAnswer(outcome, event.event_id);
			return c.json(answer.body, answer.status);
		},
	)
	.post("/batch", batchDoc, jsonBody(), webhookSignature(), parseJson(), zValidator("json", batchBodySchema, rejectInvalid), async (c) => {
		const config = c.get("config");
		const { events } = c.req.valid("json");
		if (events.length > config.maxBatchEvents) {
			throw new ApiError(400, "validation_failed", `A batch holds at most ${config.maxBatchEvents} events, got ${events.length}`, {
				fields: [{ field: "events", message: `at most ${config.maxBatchEvents} events` }],
			});
		}
		const arrival = arrivalOf(c);
		const results = await triageBatch(events);
		const unique = results.flatMap((r) => (r.hashed && r.status === "pending" ? [directItem(r.hashed, arrival)] : []));
		const outcomes = unique.length ? await acceptEvents(c.env, config, unique) : new Map<string, AcceptOutcome>();

		const response = results.map(({ index, eventId, status, error, fields }) => {
			const outcome = status === "pending" ? outcomes.get(eventId ?? "") : undefined;
			return batchResult(index, eventId, outcome ?? status, error, fields);
		});
		const count = (s: string) => response.filter((r) => r.status === s).length;
		const summary = {
			accepted: count("accepted"),
			duplicates: count("duplicate"),
			rejected: count("rejected"),
			results: response,
		} satisfies BatchResponse;

		if (summary.accepted > 0) return c.json(summary, 202);
		if (unique.length === 0 && summary.duplicates === 0) {
			throw new ApiError(400, "validation_failed", "No event in the batch is valid", summary);
		}
		if (response.some((r) => "error" in r && r.error === "queue_unavailable")) {
			throw new ApiError(503, "queue_unavailable", "The event queue is unavailable; retry later", summary, { "Retry-After": "5" });
		}
		return c.json(summary, 200);
	})
	// After /events and /batch, so those two names always mean our envelope.
	.route("/", sourceRoutes)
	.on(["GET", "PUT", "PATCH", "DELETE"], ["/events", "/batch"], (c) => {
		c.header("Allow", "POST");
		throw new ApiError(405, "method_not_allowed", `Use POST for ${c.req.path}`);
	});

interface Triage {
	index: number;
	eventId?: string;
	hashed?: HashedEvent;
	status: "pending" | "duplicate" | "rejected";
	error?: string;
	fields?: { field: string; message: string }[];
}

// Validates each event on its own and settles repeats inside the batch: the
// first copy goes on, a later identical copy is a duplicate, a later copy with
// other content under the same id is a conflict.
async function triageBatch(events: unknown[]): Promise<Triage[]> {
	const firstSeen = new Map<string, string>();
	const triaged: Triage[] = [];
	for (const [index, raw] of events.entries()) {
		const parsed = eventEnvelopeSchema.safeParse(raw);
		if (!parsed.success) {
			const eventId = typeof (raw as { event_id?: unknown })?.event_id === "string" ? (raw as { event_id: string }).event_id : undefined;
			triaged.push({ index, eventId, status: "rejected", error: "validation_failed", fields: fieldIssues(parsed.error) });
			continue;
		}
		const event = parsed.data;
		const hash = await eventHash(event);
		const seen = firstSeen.get(event.event_id);
		if (seen === undefined) {
			firstSeen.set(event.event_id, hash);
			triaged.push({ index, eventId: event.event_id, hashed: { event, bodyHash: hash }, status: "pending" });
		} else if (seen === hash) {
			triaged.push({ index, eventId: event.event_id, status: "duplicate" });
		} else {
			triaged.push({ index, eventId: event.event_id, status: "rejected", error: "idempotency_conflict" });
		}
	}
	return triaged;
}

function batchResult(
	index: number,
	eventId: string | undefined,
	outcome: AcceptOutcome | Triage["status"],
	error?: string,
	fields?: Triage["fields"],
) {
	const base = { index, event_id: eventId ?? null };
	switch (outcome) {
		case "accepted":
		case "duplicate":
			return { ...base, status: outcome };
		case "rejected":
			return { ...base, status: "rejected" as const, error, ...(fields ? { fields } : {}) };
		case "conflict":
			return { ...base, status: "rejected" as const, error: "idempotency_conflict" };
		default:
			// in_flight, queue_unavailable, or a claim that never answered: retryable.
			return { ...base, status: "rejected" as const, error: outcome === "pending" ? "in_flight" : outcome };
	}
}

import { Hono } from "hono";
import { DIRECT_SOURCE, type EventEnvelope, eventEnvelopeSchema, SOURCE_PATTERN } from "../events/envelope";
import { ApiError } from "../shared/errors";
import { fieldIssues } from "../shared/validation";
import * as z from "../zod/mini";
import { type AcceptItem, type AcceptOutcome, acceptEvents, eventHash } from "./accept";
import { type BatchResponse, batchDoc, eventsDoc } from "./docs";
import { type IngestEnv, jsonBody, validatedJson, webhookSignature } from "./middleware";
import { sourceRoutes } from "./sources";
import { batchAnswer, type EventOutcome, singleEventAnswer, statusOf } from "./status";

// A provider event is stored and deduplicated under "<source>:<provider id>",
// where source is any name SOURCE_PATTERN allows: configured today, added
// later, or a preset served under its own kind. A direct event_id of that
// shape could claim a key a provider's event will need (and have the real
// event refused 409), so no direct event_id may start with
// "<a-z0-9 name>:", whatever the sources configured now.
export const PROVIDER_KEY_PREFIX = new RegExp(`${SOURCE_PATTERN.source.replace(/\$$/, "")}:`);

export const directEventSchema = eventEnvelopeSchema.check(
	z.superRefine((event, ctx) => {
		if (!PROVIDER_KEY_PREFIX.test(event.event_id)) return;
		ctx.addIssue({
			code: "custom",
			path: ["event_id"],
			input: event.event_id,
			message:
				'must not start with "<name>:" in lower case (a-z 0-9 _ . -): that is the key space of provider events, "<source>:<provider id>"',
		});
	}),
);

const batchBodySchema = z.object({ events: z.array(z.unknown()).check(z.minLength(1, "must contain at least one event")) });

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
		throw new ApiError(400, {
			code: "invalid_source",
			message: "source must be 1-64 chars of a-z, 0-9, '_', '.', '-'",
			details: {
				fields: [{ field: "source", message: "invalid source name" }],
			},
		});
	}
	return { source, receivedAt: Date.now() };
}

export const webhookRoutes = new Hono<IngestEnv>()
	.post("/events", eventsDoc, jsonBody(), webhookSignature(), validatedJson(directEventSchema), async (c) => {
		const event = c.req.valid("json");
		const item = directItem({ event, bodyHash: await eventHash(event) }, arrivalOf(c));
		const outcome = (await acceptEvents(c.env, c.get("config"), [item])).get(item.key);
		const answer = singleEventAnswer(outcome, event.event_id);
		return c.json(answer.body, answer.status);
	})
	.post("/batch", batchDoc, jsonBody(), webhookSignature(), validatedJson(batchBodySchema), async (c) => {
		const config = c.get("config");
		const { events } = c.req.valid("json");
		if (events.length > config.maxBatchEvents) {
			throw new ApiError(400, {
				code: "validation_failed",
				message: `A batch holds at most ${config.maxBatchEvents} events, got ${events.length}`,
				details: {
					fields: [{ field: "events", message: `at most ${config.maxBatchEvents} events` }],
				},
			});
		}
		const arrival = arrivalOf(c);
		const results = await triageBatch(events);
		const unique = results.flatMap((r) => (r.hashed && r.status === "pending" ? [directItem(r.hashed, arrival)] : []));
		const outcomes = unique.length ? await acceptEvents(c.env, config, unique) : new Map<string, AcceptOutcome>();

		const settled = results.map((r) => ({ ...r, outcome: outcomeOf(r, outcomes) }));
		const response = settled.map(({ index, eventId, outcome, fields }) => batchResult(index, eventId, outcome, fields));
		const count = (s: string) => response.filter((r) => r.status === s).length;
		const summary = {
			accepted: count("accepted"),
			duplicates: count("duplicate"),
			rejected: count("rejected"),
			results: response,
		} satisfies BatchResponse;

		// 2xx only when every event is on the queue or already was; anything a
		// retry can fix makes the whole batch a 503, and the retry is told
		// "duplicate" for the events that made it (see ./status.ts).
		return c.json(
			summary,
			batchAnswer(
				settled.map((r) => r.outcome),
				summary,
			),
		);
	})
	// After /events and /batch, so those two names always mean our envelope.
	.route("/", sourceRoutes)
	.on(["GET", "PUT", "PATCH", "DELETE"], ["/events", "/batch"], (c) => {
		c.header("Allow", "POST");
		throw new ApiError(405, { code: "method_not_allowed", message: `Use POST for ${c.req.path}` });
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
		const parsed = directEventSchema.safeParse(raw);
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

// One event's settled outcome: its claim's, or what triage already decided.
function outcomeOf(triage: Triage, outcomes: Map<string, AcceptOutcome>): EventOutcome {
	if (triage.status === "pending") return outcomes.get(triage.eventId ?? "") ?? "in_flight";
	if (triage.status === "duplicate") return "duplicate";
	return triage.error === "idempotency_conflict" ? "conflict" : "rejected";
}

// One entry of the batch response: accepted or duplicate, or rejected with
// the per-event code (validation_failed, idempotency_conflict, in_flight,
// queue_unavailable, idempotency_unavailable, event_too_large).
function batchResult(index: number, eventId: string | undefined, outcome: EventOutcome, fields?: Triage["fields"]) {
	const base = { index, event_id: eventId ?? null };
	if (outcome === "accepted" || outcome === "duplicate") return { ...base, status: outcome };
	return { ...base, status: "rejected" as const, error: statusOf([outcome]).error ?? outcome, ...(fields ? { fields } : {}) };
}

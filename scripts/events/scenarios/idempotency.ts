// The idempotency contract, shown: repeats are duplicates, a reused id with
// another body is a conflict, and of many concurrent copies exactly one is
// accepted (a copy racing the first enqueue is told to retry, never "duplicate").
import { postSigned } from "../http";
import type { SendRecord } from "../reconcile";
import type { Detail } from "../report";
import { detailOf, elapsedSince, flaggedOf, recordOf, type Scenario, sendEach } from "./common";

export const idempotency: Scenario = async (ctx) => {
	const start = performance.now();
	const event = ctx.factory.next();
	const repeats = await sendEach(ctx, [
		{ label: `${event.event_id} copy 1`, event, expect: 202 },
		{ label: `${event.event_id} copy 2`, event, expect: 200 },
		{ label: `${event.event_id} copy 3`, event, expect: 200 },
		{ label: `${event.event_id} other body`, event: { ...event, metadata: { ...event.metadata, tampered: true } }, expect: 409 },
	]);
	const flagged = flaggedOf(repeats.details);

	const copies = ctx.options.count ?? 30;
	const raced = ctx.factory.next();
	const race = await Promise.all(Array.from({ length: copies }, () => postSigned(ctx.target, "/webhook/events", raced)));
	// Copies told "in flight" retry once after Retry-After, as a sender would.
	const inFlight = race.filter((r) => r.status === 409);
	const retryAfterMs = Math.min(5, Number(inFlight[0]?.retryAfter ?? 1)) * 1000;
	if (inFlight.length) await new Promise((r) => setTimeout(r, retryAfterMs));
	const retries = await Promise.all(inFlight.map(() => postSigned(ctx.target, "/webhook/events", raced)));

	const records: SendRecord[] = [...repeats.records, ...[...race, ...retries].map((r) => recordOf(raced, r))];
	const count = (status: number, list = race) => list.filter((r) => r.status === status).length;
	const accepted = count(202) + count(202, retries);
	const raceDetail: Detail = {
		...detailOf(`${raced.event_id} x${copies} at once`, race[0]!),
		outcome: `${count(202)} accepted, ${count(200)} duplicate, ${inFlight.length} in flight (retried: ${count(200, retries)} duplicate, ${count(202, retries)} accepted)`,
		note: accepted === 1 ? "exactly one accepted" : `expected exactly one 202, got ${accepted}`,
		flagged: accepted !== 1,
	};
	if (accepted !== 1) flagged.push(`race: ${accepted} copies accepted, expected exactly 1`);
	const unexpected = [...race, ...retries].filter((r) => ![200, 202, 409].includes(r.status)).length;
	if (unexpected) flagged.push(`race: ${unexpected} copies got a status other than 202/200/409`);
	return { records, details: [...repeats.details, raceDetail], windowMs: elapsedSince(start), flagged };
};

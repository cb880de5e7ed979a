// Judging a providers run: each answer against what the provider must be
// told, and what landed in D1 against where each delivery belongs. Lost and
// double-counted are reconcile()'s; these catch the rest (a wrong status or
// type, a dead letter, something stored that never should be).
import { type HttpResult, isCleanRejection } from "../http";
import type { LandedRow } from "../reconcile";
import type { ExpectedAnswer, PlannedDelivery } from "./deliveries";

// null when the answer is the expected one, else what is wrong with it.
export function judgeAnswer(expect: ExpectedAnswer, result: Pick<HttpResult, "status" | "body">): string | null {
	if (result.status !== expect.status) return `expected ${expect.status}, got ${result.status || "no response"}`;
	if (expect.status >= 400 && !isCleanRejection(result)) return "not a clean JSON {error, message} rejection";
	const body = (result.body !== null && typeof result.body === "object" ? result.body : {}) as Record<string, unknown>;
	for (const [key, value] of Object.entries(expect.body)) {
		if (body[key] !== value) return `expected ${key} ${JSON.stringify(value)}, got ${JSON.stringify(body[key])}`;
	}
	if (expect.exact) {
		const extra = Object.keys(body).filter((key) => !(key in expect.body));
		if (extra.length) return `unexpected ${extra.join(", ")} in the answer`;
	}
	return null;
}

export function checkLandings(deliveries: readonly PlannedDelivery[], rows: readonly LandedRow[]): string[] {
	const problems: string[] = [];
	const byId = new Map(deliveries.map((d) => [d.storedId, d]));
	for (const row of rows) {
		const delivery = byId.get(row.event_id);
		if (!delivery) {
			problems.push(`${row.event_id}: stored in ${row.table}, but nothing the run sent may be stored under that id`);
		} else if (row.table === "dead_letters") {
			problems.push(`${delivery.label}: dead-lettered (${row.error ?? "no reason"}), expected ${delivery.landing.status}`);
		} else if (row.status !== delivery.landing.status || row.event_type !== delivery.landing.eventType) {
			problems.push(
				`${delivery.label}: stored as ${row.status} ${row.event_type}, expected ${delivery.landing.status} ${delivery.landing.eventType}`,
			);
		}
	}
	return problems;
}

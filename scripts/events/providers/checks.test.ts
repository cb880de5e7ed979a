import { describe, expect, it } from "vitest";
import type { LandedRow } from "../reconcile";
import { checkLandings, judgeAnswer } from "./checks";
import { planProviderRun } from "./deliveries";

describe("judging answers", () => {
	const accepted = { status: 202, body: { status: "accepted", event_id: "stripe:evt_1" } };

	it("accepts the expected status with the expected fields", () => {
		expect(judgeAnswer(accepted, { status: 202, body: { status: "accepted", event_id: "stripe:evt_1" } })).toBeNull();
	});

	it("flags another status, or the right status under another id", () => {
		expect(judgeAnswer(accepted, { status: 200, body: { status: "duplicate", event_id: "stripe:evt_1" } })).toBe("expected 202, got 200");
		expect(judgeAnswer(accepted, { status: 202, body: { status: "accepted", event_id: "evt_1" } })).toMatch(
			/event_id "stripe:evt_1", got "evt_1"/,
		);
		expect(judgeAnswer(accepted, { status: 0, body: null })).toBe("expected 202, got no response");
	});

	it("for an exact answer, flags any extra field (a challenge that was also accepted)", () => {
		const challenge = { status: 200, body: { challenge: "abc" }, exact: true };
		expect(judgeAnswer(challenge, { status: 200, body: { challenge: "abc" } })).toBeNull();
		expect(judgeAnswer(challenge, { status: 200, body: { challenge: "abc", status: "duplicate" } })).toMatch(/unexpected status/);
		expect(judgeAnswer(challenge, { status: 200, body: { challenge: "xyz" } })).toMatch(/challenge/);
	});

	it("wants a rejection to be a clean JSON {error, message} with the expected code", () => {
		const mismatch = { status: 401, body: { error: "signature_mismatch" } };
		expect(judgeAnswer(mismatch, { status: 401, body: { error: "signature_mismatch", message: "m" } })).toBeNull();
		expect(judgeAnswer(mismatch, { status: 401, body: { error: "signature_missing", message: "m" } })).toMatch(/error/);
		expect(judgeAnswer(mismatch, { status: 401, body: "Unauthorized" })).toMatch(/not a clean/);
	});
});

describe("checking what landed", () => {
	const plan = planProviderRun("evchecks0001", Date.now());
	const row = (event_id: string, status: string, event_type: string, table: LandedRow["table"] = "events"): LandedRow => ({
		event_id,
		table,
		latency_ms: 10,
		error: table === "dead_letters" ? "mapping_path_missing" : null,
		status,
		event_type,
	});
	const asPlanned = plan.deliveries.map((d) => row(d.storedId, d.landing.status, d.landing.eventType));

	it("finds nothing wrong when every delivery landed where it belongs", () => {
		expect(checkLandings(plan.deliveries, asPlanned)).toEqual([]);
	});

	it("flags a delivery stored with the wrong status or canonical type", () => {
		const [customer, , , , , push] = plan.deliveries;
		const rows = asPlanned.map((r) =>
			r.event_id === customer!.storedId
				? { ...r, status: "unhandled", event_type: "customer.created" }
				: r.event_id === push!.storedId
					? { ...r, event_type: "usage_tracked" }
					: r,
		);
		expect(checkLandings(plan.deliveries, rows)).toEqual([
			"stripe customer.created: stored as unhandled customer.created, expected processed user_signup",
			"github push: stored as unhandled usage_tracked, expected unhandled push",
		]);
	});

	it("flags a dead-lettered delivery with its reason", () => {
		const invoice = plan.tampered.of;
		const rows = asPlanned.map((r) =>
			r.event_id === invoice.storedId ? row(r.event_id, "dead_lettered", "payment_failed", "dead_letters") : r,
		);
		expect(checkLandings(plan.deliveries, rows)).toEqual([
			"stripe invoice.payment_failed: dead-lettered (mapping_path_missing), expected processed",
		]);
	});

	it("flags a stored row no delivery has, such as a Slack challenge that was queued", () => {
		expect(checkLandings(plan.deliveries, [...asPlanned, row("slack:undefined", "unhandled", "url_verification")])).toEqual([
			"slack:undefined: stored in events, but nothing the run sent may be stored under that id",
		]);
	});
});

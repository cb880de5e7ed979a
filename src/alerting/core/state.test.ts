import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RuleResult, RuleStatus } from "./rules";
import { type AlertStates, DEFAULT_COOLDOWN_MS, evaluate, type Notification } from "./state";

const MIN = 60_000;
const T = Date.parse("2026-11-27T10:00:00Z");
const opts = { cooldownMs: 10 * MIN };

const backlog = (status: RuleStatus, value: number | null = status === "firing" ? 230 : 12): RuleResult => ({
	key: "backlog_high",
	rule: "backlog_high",
	status,
	value,
	threshold: 100,
	unit: "events",
	summary: `Backlog ${value}`,
});

// Runs evaluations one per minute from T, returning every notification.
function run(statuses: RuleStatus[], cooldownMs = opts.cooldownMs, start: AlertStates = {}) {
	let states = start;
	const sent: Notification[] = [];
	statuses.forEach((s, i) => {
		const out = evaluate(states, [backlog(s)], T + i * MIN, { cooldownMs });
		states = out.states;
		sent.push(...out.notifications);
	});
	return { states, sent };
}

describe("alert state", () => {
	it("notifies once when a rule starts firing, not again while it keeps firing", () => {
		const { states, sent } = run(["ok", "firing", "firing", "firing"]);
		expect(sent).toEqual([
			{
				key: "backlog_high",
				rule: "backlog_high",
				kind: "fired",
				summary: "Backlog 230",
				value: 230,
				threshold: 100,
				unit: "events",
				at: T + MIN,
				fired_at: T + MIN,
			},
		]);
		expect(states.backlog_high).toMatchObject({ status: "firing", fired_at: T + MIN, clear_since: null });
	});

	it("sends resolved only after the condition stayed clear for the cooldown", () => {
		// Fires at minute 0, clear from minute 1; resolved at minute 11.
		const statuses: RuleStatus[] = ["firing", ...Array<RuleStatus>(11).fill("ok")];
		const { sent, states } = run(statuses);
		expect(sent.map((n) => [n.kind, n.at])).toEqual([
			["fired", T],
			["resolved", T + 11 * MIN],
		]);
		expect(sent[1]).toMatchObject({ summary: "Backlog 12", value: 12, fired_at: T });
		expect(states.backlog_high).toMatchObject({ status: "resolved", resolved_at: T + 11 * MIN });
		// One minute short: still pending.
		expect(run(statuses.slice(0, -1)).sent.map((n) => n.kind)).toEqual(["fired"]);
	});

	it("sends nothing more while the condition flaps inside the cooldown", () => {
		const { sent, states } = run(["firing", "ok", "firing", "ok", "ok", "firing", "ok", "firing"]);
		expect(sent.map((n) => n.kind)).toEqual(["fired"]);
		expect(states.backlog_high?.status).toBe("firing");
	});

	it("treats a firing after a sent resolve as a new incident", () => {
		// Clear from minute 1, so resolved at minute 3 with a 2-minute cooldown.
		const { sent } = run(["firing", "ok", "ok", "ok", "firing"], 2 * MIN);
		expect(sent.map((n) => [n.kind, n.at])).toEqual([
			["fired", T],
			["resolved", T + 3 * MIN],
			["fired", T + 4 * MIN],
		]);
	});

	it("resolves at the first clear evaluation with no cooldown", () => {
		expect(run(["firing", "ok"], 0).sent.map((n) => n.kind)).toEqual(["fired", "resolved"]);
	});

	it("neither fires nor resolves on no data", () => {
		expect(run(["no_data", "no_data"]).sent).toEqual([]);
		const firing = run(["firing"]).states;
		const after = evaluate(firing, [backlog("no_data")], T + 60 * MIN, opts);
		expect(after).toEqual({ states: firing, notifications: [] });
	});

	it("defaults to a 15-minute cooldown", () => {
		expect(DEFAULT_COOLDOWN_MS).toBe(15 * MIN);
		const firing = evaluate({}, [backlog("firing")], T).states;
		const clear = evaluate(firing, [backlog("ok")], T + MIN).states;
		expect(evaluate(clear, [backlog("ok")], T + 15 * MIN).notifications).toEqual([]);
		expect(evaluate(clear, [backlog("ok")], T + 16 * MIN).notifications.map((n) => n.kind)).toEqual(["resolved"]);
	});

	describe("keys reported per destination", () => {
		const paused = (id: string, status: RuleStatus = "firing"): RuleResult => ({
			key: `destination_paused:${id}`,
			rule: "destination_paused",
			status,
			value: 1,
			threshold: 0,
			unit: "count",
			summary: `Destination ${id} is paused`,
		});
		const bare = (status: RuleStatus): RuleResult => ({ ...paused("x", status), key: "destination_paused", status, value: 0, summary: "" });

		it("fires per destination, each its own incident", () => {
			const first = evaluate({}, [bare("ok"), paused("dst_1")], T, opts);
			const second = evaluate(first.states, [bare("ok"), paused("dst_1"), paused("dst_2")], T + MIN, opts);
			expect(first.notifications.map((n) => n.key)).toEqual(["destination_paused:dst_1"]);
			expect(second.notifications.map((n) => n.key)).toEqual(["destination_paused:dst_2"]);
		});

		it("treats a key no longer reported as clear, resolving it after the cooldown and then forgetting it", () => {
			const fired = evaluate({}, [bare("ok"), paused("dst_1")], T, opts).states;
			const pending = evaluate(fired, [bare("ok")], T + MIN, opts);
			expect(pending.notifications).toEqual([]);
			expect(pending.states["destination_paused:dst_1"]).toMatchObject({ status: "firing", clear_since: T + MIN });
			const resolved = evaluate(pending.states, [bare("ok")], T + 11 * MIN, opts);
			expect(resolved.notifications).toMatchObject([
				{ kind: "resolved", key: "destination_paused:dst_1", summary: "Cleared: Destination dst_1 is paused" },
			]);
			expect(Object.keys(resolved.states)).toEqual(["destination_paused"]);
		});

		it("keeps a key that is not reported while its rule has no data", () => {
			const fired = evaluate({}, [bare("ok"), paused("dst_1")], T, opts).states;
			const blind = evaluate(fired, [bare("no_data")], T + 60 * MIN, opts);
			expect(blind.notifications).toEqual([]);
			expect(blind.states["destination_paused:dst_1"]).toEqual(fired["destination_paused:dst_1"]);
		});
	});

	it("sends fired and resolved alternately, resolves only after a full clear cooldown, and fires on every new incident", () => {
		const cooldownTicks = 3;
		fc.assert(
			fc.property(fc.array(fc.constantFrom<RuleStatus>("firing", "ok", "no_data"), { maxLength: 80 }), (statuses) => {
				const { sent } = run(statuses, cooldownTicks * MIN);
				// Alternating, starting with fired.
				sent.forEach((n, i) => {
					expect(n.kind).toBe(i % 2 === 0 ? "fired" : "resolved");
				});
				// Replay the model: incident open/closed, and when the last firing was seen.
				let open = false;
				let clearFrom: number | null = null;
				const expected: string[] = [];
				statuses.forEach((s, i) => {
					if (s === "firing") {
						if (!open) expected.push(`fired@${i}`);
						open = true;
						clearFrom = null;
					} else if (s === "ok" && open) {
						clearFrom ??= i;
						if (i - clearFrom >= cooldownTicks) {
							expected.push(`resolved@${i}`);
							open = false;
							clearFrom = null;
						}
					}
				});
				expect(sent.map((n) => `${n.kind}@${(n.at - T) / MIN}`)).toEqual(expected);
			}),
		);
	});
});

import type { RuleId, RuleResult, Unit } from "./rules";

// Per-key alert state: one incident is one "fired" and one "resolved"
// message, however much the condition flaps.
//
//   inactive ──firing──▶ firing (notify "fired")
//   firing ──clear──▶ firing, clear_since set (resolve pending; nothing sent)
//   firing, clear for cooldownMs ──▶ resolved (notify "resolved")
//   firing, clear_since set ──firing again──▶ firing (nothing sent)
//   resolved ──firing──▶ firing (a new incident: notify "fired")
//
// no_data leaves a key as it is: a failed scrape neither fires nor resolves.

export type AlertStatus = "inactive" | "firing" | "resolved";

export interface AlertState {
	key: string;
	rule: RuleId;
	status: AlertStatus;
	// When the current (or last) incident fired.
	fired_at: number | null;
	// While firing: since when the condition has been clear (resolve pending).
	clear_since: number | null;
	resolved_at: number | null;
	// The latest evaluation's reading.
	value: number | null;
	threshold: number;
	unit: Unit;
	summary: string;
}

export interface Notification {
	key: string;
	rule: RuleId;
	kind: "fired" | "resolved";
	summary: string;
	value: number | null;
	threshold: number;
	unit: Unit;
	// When this notification was decided, and when its incident fired.
	at: number;
	fired_at: number;
}

export interface EvaluateOptions {
	// How long a condition must stay clear before "resolved" is sent; a
	// re-fire inside it continues the same incident.
	cooldownMs: number;
}

export const DEFAULT_COOLDOWN_MS = 15 * 60_000;

export type AlertStates = Readonly<Record<string, AlertState>>;

const notify = (state: AlertState, kind: Notification["kind"], at: number): Notification => ({
	key: state.key,
	rule: state.rule,
	kind,
	summary: state.summary,
	value: state.value,
	threshold: state.threshold,
	unit: state.unit,
	at,
	fired_at: state.fired_at as number,
});

function step(
	prev: AlertState | undefined,
	result: RuleResult,
	now: number,
	cooldownMs: number,
): { state: AlertState; notification?: Notification } {
	const reading = {
		key: result.key,
		rule: result.rule,
		value: result.value,
		threshold: result.threshold,
		unit: result.unit,
		summary: result.summary,
	};
	const base: AlertState = prev ?? { ...reading, status: "inactive", fired_at: null, clear_since: null, resolved_at: null };
	if (result.status === "firing") {
		if (base.status === "firing") return { state: { ...base, ...reading, clear_since: null } };
		const state: AlertState = { ...base, ...reading, status: "firing", fired_at: now, clear_since: null, resolved_at: null };
		return { state, notification: notify(state, "fired", now) };
	}
	// ok
	if (base.status !== "firing") return { state: { ...base, ...reading } };
	const clearSince = base.clear_since ?? now;
	if (now - clearSince >= cooldownMs) {
		const state: AlertState = { ...base, ...reading, status: "resolved", clear_since: null, resolved_at: now };
		return { state, notification: notify(state, "resolved", now) };
	}
	return { state: { ...base, ...reading, clear_since: clearSince } };
}

// The states after one evaluation, and what to send. A key the rules no
// longer report (a destination no longer paused) counts as clear, unless its
// rule reported no_data; a key no longer reported and not firing is dropped.
export function evaluate(
	prevStates: AlertStates,
	results: readonly RuleResult[],
	now: number,
	options: EvaluateOptions = { cooldownMs: DEFAULT_COOLDOWN_MS },
): { states: Record<string, AlertState>; notifications: Notification[] } {
	const states: Record<string, AlertState> = {};
	const notifications: Notification[] = [];
	const noData = new Set(results.filter((r) => r.status === "no_data").map((r) => r.rule));
	const seen = new Set<string>();

	for (const result of results) {
		seen.add(result.key);
		const prev = prevStates[result.key];
		if (result.status === "no_data") {
			if (prev) states[result.key] = prev;
			continue;
		}
		const { state, notification } = step(prev, result, now, options.cooldownMs);
		states[result.key] = state;
		if (notification) notifications.push(notification);
	}

	for (const [key, prev] of Object.entries(prevStates)) {
		if (seen.has(key) || prev.status !== "firing") continue;
		if (noData.has(prev.rule)) {
			states[key] = prev;
			continue;
		}
		// Its last summary is the firing one; say it cleared (once).
		const summary = prev.clear_since === null ? `Cleared: ${prev.summary}` : prev.summary;
		const cleared: RuleResult = { key, rule: prev.rule, status: "ok", value: null, threshold: prev.threshold, unit: prev.unit, summary };
		const { state, notification } = step(prev, cleared, now, options.cooldownMs);
		// Keep it only while its resolve is pending.
		if (state.status === "firing") states[key] = state;
		if (notification) notifications.push(notification);
	}
	return { states, notifications };
}

// wrk for the closed-loop ceiling: the request pool it replays, its command
// line, and parsers for its `--latency` report and for the per-response lines
// replay.lua writes. Pure, so each format is tested.
import { type Outcome, outcomeOf } from "../events/http";
import type { SendRecord } from "../events/reconcile";

export interface WrkSummary {
	requests: number;
	seconds: number;
	requestsPerSecond: number;
	// From the latency distribution (`--latency`), in ms.
	latencyMs: { p50: number | null; p75: number | null; p90: number | null; p99: number | null };
	non2xx: number;
	socketErrors: { connect: number; read: number; write: number; timeout: number };
}

const UNIT_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

// "456.00us", "12.34ms", "1.02s", "2.00m" → ms (wrk's own time format).
export function parseWrkTime(text: string): number {
	const match = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h)\s*$/.exec(text);
	if (!match) throw new Error(`not a wrk time: "${text}"`);
	return Math.round(Number(match[1]) * UNIT_MS[match[2]!]! * 1000) / 1000;
}

export function parseWrkOutput(stdout: string): WrkSummary {
	const total = /(\d+) requests in ([\d.]+\w+),/.exec(stdout);
	const rps = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
	if (!total || !rps) throw new Error(`wrk printed no summary:\n${stdout}`);
	const at = (p: number) => {
		const m = new RegExp(`^\\s+${p}(?:\\.0+)?%\\s+(\\S+)\\s*$`, "m").exec(stdout);
		return m ? parseWrkTime(m[1]!) : null;
	};
	const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
	return {
		requests: Number(total[1]),
		seconds: parseWrkTime(total[2]!) / 1000,
		requestsPerSecond: Number(rps[1]),
		latencyMs: { p50: at(50), p75: at(75), p90: at(90), p99: at(99) },
		non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
		socketErrors: {
			connect: Number(socket?.[1] ?? 0),
			read: Number(socket?.[2] ?? 0),
			write: Number(socket?.[3] ?? 0),
			timeout: Number(socket?.[4] ?? 0),
		},
	};
}

export interface PoolRequest {
	method: string;
	path: string;
	headers?: Record<string, string>;
	body?: string;
}

// One line of replay.lua's pool. JSON.stringify never emits a raw tab or
// newline, so the separators cannot occur inside a field.
export function poolLine(req: PoolRequest): string {
	const fields = [req.method, req.path, ...Object.entries(req.headers ?? {}).map(([k, v]) => `${k}: ${v}`), req.body ?? ""];
	for (const f of fields) if (/[\t\r\n]/.test(f)) throw new Error(`a pool field may not contain a tab or newline: ${f.slice(0, 40)}`);
	return fields.join("\t");
}

export interface WrkOutcomes {
	// Requests wrk sent and the pool it loaded, summed over its threads: more
	// issued than loaded means part of the pool was sent twice.
	issued: number;
	pool: number;
	responses: { status: number; eventId: string | null }[];
}

export function parseOutcomes(text: string): WrkOutcomes {
	const out: WrkOutcomes = { issued: 0, pool: 0, responses: [] };
	for (const line of text.split("\n")) {
		const header = /^# issued (\d+) pool (\d+)/.exec(line);
		if (header) {
			out.issued += Number(header[1]);
			out.pool += Number(header[2]);
			continue;
		}
		const m = /^(\d{3}) (\S+)$/.exec(line.trim());
		if (m) out.responses.push({ status: Number(m[1]), eventId: m[2] === "-" ? null : m[2]! });
	}
	return out;
}

// Events sent more than once because wrk went round its pool again.
export const replayed = (o: Pick<WrkOutcomes, "issued" | "pool">) => Math.max(0, o.issued - o.pool);

// Per-event send records for reconciliation. A request still in flight when
// wrk stopped has no line: if it landed, reconcile() calls it unconfirmed.
export function outcomeRecords(o: WrkOutcomes): SendRecord[] {
	return o.responses
		.filter((r): r is { status: number; eventId: string } => r.eventId !== null)
		.map((r) => ({ eventId: r.eventId, intent: "valid", outcome: outcomeOf({ status: r.status, body: null }), ackMs: 0 }));
}

export function countOutcomes(o: WrkOutcomes): Record<Outcome, number> {
	const counts: Record<Outcome, number> = {
		accepted: 0,
		duplicate: 0,
		conflict: 0,
		in_flight: 0,
		rejected: 0,
		unavailable: 0,
		no_response: 0,
	};
	for (const r of o.responses) counts[outcomeOf({ status: r.status, body: null })]++;
	return counts;
}

export interface WrkRunSpec {
	url: string;
	concurrency: number;
	threads: number;
	durationMs: number;
	script: string;
}

export function wrkArgs(spec: WrkRunSpec): string[] {
	return [
		`-t${spec.threads}`,
		`-c${spec.concurrency}`,
		`-d${Math.max(1, Math.round(spec.durationMs / 1000))}s`,
		// wrk's default 2 s would drop slow responses from the latency report.
		"--timeout",
		"30s",
		"--latency",
		"-s",
		spec.script,
		spec.url,
	];
}

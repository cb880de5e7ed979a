// The run report: what was sent, what the sender was told, what landed.
// One shape for the text output, --json and the bench.
import type { Outcome } from "./http";
import { isSound, type Reconciliation, type SendRecord } from "./reconcile";
import { achievedRate } from "./schedule";
import { type LatencySummary, summarize } from "./stats";

export interface Detail {
	label: string;
	status: number;
	outcome: string;
	note?: string;
	flagged?: boolean;
}

export interface RunReport {
	scenario: string;
	runId: string;
	url: string;
	startedAt: string;
	offeredRate: number | null;
	achievedRate: number;
	sent: number;
	accepted: number;
	duplicates: number;
	rejected: number;
	unavailable: number;
	noResponse: number;
	processed: number;
	unhandled: number;
	deadLettered: Reconciliation["deadLettered"];
	lost: number;
	doubleCounted: number;
	misrouted: number;
	unconfirmed: number;
	lostIds: string[];
	doubleCountedIds: Reconciliation["doubleCounted"];
	ack: LatencySummary;
	e2e: LatencySummary;
	drain: { drained: boolean; ms: number; backlog: number | null } | null;
	flagged: string[];
	details: Detail[];
	ok: boolean;
}

export interface ReportInput {
	scenario: string;
	runId: string;
	url: string;
	startedAt: Date;
	records: readonly SendRecord[];
	// Number of HTTP requests (a batch is one request carrying many events).
	requests?: number;
	windowMs: number;
	offeredRate?: number;
	// Ack latency per request (defaults to the per-event latencies).
	ackLatencies?: readonly number[];
	reconciliation: Reconciliation | null;
	drain?: RunReport["drain"];
	details?: Detail[];
	flagged?: string[];
}

const SAMPLE_IDS = 20;

export function buildReport(input: ReportInput): RunReport {
	const count = (...outcomes: Outcome[]) => input.records.filter((r) => outcomes.includes(r.outcome)).length;
	const r = input.reconciliation;
	const sent = input.requests ?? input.records.length;
	const flagged = [...(input.flagged ?? [])];
	if (r?.lost.length) flagged.push(`${r.lost.length} accepted event(s) never landed in D1`);
	if (r?.doubleCounted.length) flagged.push(`${r.doubleCounted.length} event(s) counted more than once`);
	if (r?.misrouted.length) flagged.push(`${r.misrouted.length} poison event(s) processed instead of dead-lettered`);
	if (input.drain && !input.drain.drained)
		flagged.push(`backlog did not drain within the timeout (backlog ${input.drain.backlog ?? "unknown"})`);
	return {
		scenario: input.scenario,
		runId: input.runId,
		url: input.url,
		startedAt: input.startedAt.toISOString(),
		offeredRate: input.offeredRate ?? null,
		achievedRate: achievedRate(sent, input.windowMs),
		sent,
		accepted: count("accepted"),
		duplicates: count("duplicate"),
		rejected: count("rejected", "conflict", "in_flight"),
		unavailable: count("unavailable"),
		noResponse: count("no_response"),
		processed: r?.processed ?? 0,
		unhandled: r?.unhandled ?? 0,
		deadLettered: r?.deadLettered ?? { poison: 0, afterRetries: 0, errors: [] },
		lost: r?.lost.length ?? 0,
		doubleCounted: r?.doubleCounted.length ?? 0,
		misrouted: r?.misrouted.length ?? 0,
		unconfirmed: r?.unconfirmed.length ?? 0,
		lostIds: r?.lost.slice(0, SAMPLE_IDS) ?? [],
		doubleCountedIds: r?.doubleCounted.slice(0, SAMPLE_IDS) ?? [],
		ack: summarize(input.ackLatencies ?? input.records.filter((x) => x.outcome !== "no_response").map((x) => x.ackMs)),
		e2e: r?.e2e ?? summarize([]),
		drain: input.drain ?? null,
		flagged,
		details: input.details ?? [],
		ok: flagged.length === 0 && (r === null || isSound(r)),
	};
}

const ms = (v: number | null) => (v === null ? "-" : `${v} ms`);
const latencyLine = (s: LatencySummary, withMax = true) =>
	`p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  p99 ${ms(s.p99)}${withMax ? `  max ${ms(s.max)}` : ""}  (n=${s.count})`;

export function formatReport(report: RunReport): string {
	const lines: string[] = [];
	if (report.details.length) {
		const width = Math.max(...report.details.map((d) => d.label.length));
		for (const d of report.details) {
			lines.push(
				`${d.flagged ? "!!" : "  "} ${d.label.padEnd(width)}  ${String(d.status).padStart(3)} ${d.outcome}${d.note ? `  ${d.note}` : ""}`,
			);
		}
		lines.push("");
	}
	const rate = report.offeredRate === null ? `${report.achievedRate}/s` : `${report.achievedRate}/s (offered ${report.offeredRate}/s)`;
	lines.push(
		`${report.scenario} run ${report.runId} against ${report.url}`,
		`  sent          ${report.sent} request${report.sent === 1 ? "" : "s"} at ${rate}`,
		`  acks          accepted ${report.accepted}  duplicates ${report.duplicates}  rejected ${report.rejected}  unavailable ${report.unavailable}  no response ${report.noResponse}`,
		`  ack latency   ${latencyLine(report.ack)}`,
	);
	if (report.drain) {
		const dl = report.deadLettered;
		lines.push(
			`  landed        processed ${report.processed}${report.unhandled ? ` (${report.unhandled} unhandled)` : ""}  dead-lettered ${dl.poison} poison + ${dl.afterRetries} after retries  (drained in ${(report.drain.ms / 1000).toFixed(1)} s)`,
			`  lost          ${report.lost}${report.lostIds.length ? `  e.g. ${report.lostIds.slice(0, 5).join(", ")}` : ""}`,
			`  double-counted ${report.doubleCounted}${
				report.doubleCountedIds.length
					? `  e.g. ${report.doubleCountedIds
							.slice(0, 3)
							.map((d) => `${d.eventId} (${d.reason})`)
							.join(", ")}`
					: ""
			}`,
			`  end-to-end    ${latencyLine(report.e2e, false)}`,
		);
		if (report.unconfirmed) lines.push(`  unconfirmed   ${report.unconfirmed} landed without a 202 the sender saw (ack timed out)`);
		if (dl.errors.length) lines.push(`  dead-letter reasons: ${dl.errors.map((e) => e.slice(0, 80)).join(" | ")}`);
	} else {
		lines.push("  reconciliation skipped (--no-reconcile)");
	}
	for (const f of report.flagged) lines.push(`  !! ${f}`);
	lines.push(`  result        ${report.ok ? "OK" : "FAILED"}`);
	return lines.join("\n");
}

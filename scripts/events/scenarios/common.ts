// What every scenario gets, and what it hands back for the report.
import type { EventEnvelope } from "../../../src/events/envelope";
import type { EventFactory } from "../data";
import { type HttpResult, outcomeOf, postSigned, type Target } from "../http";
import type { RunSelection } from "../landed";
import type { CliOptions } from "../options";
import type { Intent, LandedRow, SendRecord } from "../reconcile";
import type { Detail } from "../report";

export interface ScenarioContext {
	runId: string;
	// Where the Worker's wrangler.toml and .dev.vars are, when local.
	configDir?: string;
	target: Target;
	options: CliOptions;
	factory: EventFactory;
	random: () => number;
	progress: boolean;
}

export interface ScenarioRun {
	records: SendRecord[];
	windowMs: number;
	requests?: number;
	offeredRate?: number;
	ackLatencies?: number[];
	details?: Detail[];
	flagged?: string[];
	// Which D1 rows are the run's (default: the run id prefix).
	select?: RunSelection;
	// Checks on what landed beyond lost / double-counted; returns problems.
	checkLanded?: (rows: readonly LandedRow[]) => string[];
}

export type Scenario = (ctx: ScenarioContext) => Promise<ScenarioRun>;

export const recordOf = (event: Pick<EventEnvelope, "event_id">, result: HttpResult, intent: Intent = "valid"): SendRecord => ({
	eventId: event.event_id,
	intent,
	outcome: outcomeOf(result),
	ackMs: result.ms,
});

export function detailOf(label: string, result: HttpResult, note?: string, flagged = false): Detail {
	const body = result.body as { status?: string; error?: string } | null;
	const what = result.status === 0 ? `no response (${result.error})` : (body?.status ?? body?.error ?? "");
	return { label, status: result.status, outcome: what, note: note ?? `${Math.round(result.ms)} ms`, ...(flagged ? { flagged } : {}) };
}

// Sends events one after another, printing each response: for scenarios
// whose point is to show what each request got.
export async function sendEach(
	ctx: ScenarioContext,
	items: readonly { label: string; event: EventEnvelope; intent?: Intent; expect?: number }[],
): Promise<{ records: SendRecord[]; details: Detail[]; results: HttpResult[] }> {
	const records: SendRecord[] = [];
	const details: Detail[] = [];
	const results: HttpResult[] = [];
	for (const item of items) {
		const result = await postSigned(ctx.target, "/webhook/events", item.event);
		const flagged = item.expect !== undefined && result.status !== item.expect;
		records.push(recordOf(item.event, result, item.intent));
		details.push(detailOf(item.label, result, flagged ? `expected ${item.expect}` : undefined, flagged));
		results.push(result);
	}
	return { records, details, results };
}

export const elapsedSince = (start: number) => performance.now() - start;

// The flagged details, as report lines.
export const flaggedOf = (details: readonly Detail[]): string[] => details.filter((d) => d.flagged).map((d) => `${d.label}: ${d.note}`);

// Waits, within a time bound, until every accepted event of a run has landed
// in D1 and the Worker reports no backlog, then reads the run's rows.
import { type D1Target, landedCount, landedRows, type RunSelection } from "./d1";
import type { LandedRow } from "./reconcile";

export interface DrainOptions {
	d1: D1Target;
	select: RunSelection;
	expected: number;
	timeoutMs: number;
	// The Worker's base URL: /health reports the queue backlog.
	url?: string;
	pollMs?: number;
	onPoll?: (status: DrainStatus) => void;
}

export interface DrainStatus {
	landed: number;
	expected: number;
	backlog: number | null;
	elapsedMs: number;
}

export interface DrainResult extends DrainStatus {
	drained: boolean;
	rows: LandedRow[];
}

export async function backlogOf(url: string): Promise<number | null> {
	try {
		const res = await fetch(new URL("/health", url), { signal: AbortSignal.timeout(5_000) });
		const body = (await res.json()) as { events?: { backlog?: unknown } };
		return typeof body.events?.backlog === "number" ? body.events.backlog : null;
	} catch {
		return null;
	}
}

export function isDrained(status: Pick<DrainStatus, "landed" | "expected" | "backlog">): boolean {
	return status.landed >= status.expected && (status.backlog === null || status.backlog === 0);
}

export async function drainAndRead(options: DrainOptions): Promise<DrainResult> {
	const started = performance.now();
	const pollMs = options.pollMs ?? 1_000;
	let status: DrainStatus = { landed: 0, expected: options.expected, backlog: null, elapsedMs: 0 };
	// Bounded by time; each poll is one D1 query and one /health read.
	for (let poll = 0; poll < 10_000; poll++) {
		const [landed, backlog] = await Promise.all([
			landedCount(options.d1, options.select),
			options.url ? backlogOf(options.url) : Promise.resolve(null),
		]);
		status = { landed, expected: options.expected, backlog, elapsedMs: Math.round(performance.now() - started) };
		options.onPoll?.(status);
		if (isDrained(status) || status.elapsedMs > options.timeoutMs) break;
		await new Promise((r) => setTimeout(r, pollMs));
	}
	const rows = await landedRows(options.d1, options.select);
	return { ...status, drained: isDrained(status), rows };
}

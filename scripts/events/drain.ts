// Waits, within a time bound, until every accepted event of a run has landed
// in D1 and the Worker reports no backlog, then reads the run's rows.
import { type D1Target, landedCount, landedRows, type RunSelection } from "./d1";
import type { LandedRow } from "./reconcile";

export interface DrainOptions {
	d1: D1Target;
	select: RunSelection;
	expected: number;
	timeoutMs: number;
	// The Worker's base URL and admin token: /api/health reports the backlog.
	url?: string;
	adminToken?: string;
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

// One counter from the Worker's detailed health (GET /api/health, admin
// token), or null when it cannot be read.
export async function healthCounter(url: string, adminToken: string, name: "backlog" | "retried"): Promise<number | null> {
	try {
		const res = await fetch(new URL("/api/health", url), {
			headers: { authorization: `Bearer ${adminToken}` },
			signal: AbortSignal.timeout(5_000),
		});
		const body = (await res.json()) as { events?: Record<string, unknown> };
		const value = body.events?.[name];
		return typeof value === "number" ? value : null;
	} catch {
		return null;
	}
}

export const backlogOf = (url: string, adminToken: string) => healthCounter(url, adminToken, "backlog");

export function isDrained(status: Pick<DrainStatus, "landed" | "expected" | "backlog">): boolean {
	return status.landed >= status.expected && (status.backlog === null || status.backlog === 0);
}

export async function drainAndRead(options: DrainOptions): Promise<DrainResult> {
	const started = performance.now();
	const pollMs = options.pollMs ?? 1_000;
	let status: DrainStatus = { landed: 0, expected: options.expected, backlog: null, elapsedMs: 0 };
	// Bounded by time; each poll is one D1 query and one /api/health read.
	for (let poll = 0; poll < 10_000; poll++) {
		const [landed, backlog] = await Promise.all([
			landedCount(options.d1, options.select),
			options.url && options.adminToken ? backlogOf(options.url, options.adminToken) : Promise.resolve(null),
		]);
		status = { landed, expected: options.expected, backlog, elapsedMs: Math.round(performance.now() - started) };
		options.onPoll?.(status);
		if (isDrained(status) || status.elapsedMs > options.timeoutMs) break;
		await new Promise((r) => setTimeout(r, pollMs));
	}
	const rows = await landedRows(options.d1, options.select);
	return { ...status, drained: isDrained(status), rows };
}

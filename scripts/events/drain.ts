// Waits, within a time bound, until every accepted event of a run has landed
// in D1 and the Worker reports no backlog, then reads the run's rows.
import type { D1Target } from "../stack/d1";
import { landedCount, landedRows, type RunSelection } from "./landed";
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
export async function healthCounter(url: string, adminToken: string, name: "accepted" | "backlog" | "retried"): Promise<number | null> {
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

// Polls only GET /api/health until the backlog is 0: far cheaper than the
// D1 reads of drainAndRead (each starts a wrangler process), so it can time a
// drain on the same cores without slowing it. backlog null: unreadable.
export async function awaitEmptyBacklog(
	url: string,
	adminToken: string,
	options: { timeoutMs: number; pollMs?: number },
): Promise<{ drained: boolean; ms: number; backlog: number | null }> {
	const started = performance.now();
	for (;;) {
		const backlog = await backlogOf(url, adminToken);
		const ms = Math.round(performance.now() - started);
		if (backlog === 0) return { drained: true, ms, backlog };
		if (ms > options.timeoutMs) return { drained: false, ms, backlog };
		await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
	}
}

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

// After sending: wait for the run's accepted events to land, then reconcile.
// Shared by the CLI and the bench so both judge a run the same way.
import type { D1Target } from "../stack/d1";
import { type DrainStatus, drainAndRead } from "./drain";
import type { RunSelection } from "./landed";
import { acceptedIds, type LandedRow, type Reconciliation, reconcile, type SendRecord } from "./reconcile";
import type { RunReport } from "./report";

export interface SettleOptions {
	d1: D1Target;
	url: string;
	adminToken: string;
	runId: string;
	// Default: the run's id prefix.
	select?: RunSelection;
	timeoutMs: number;
	quiet?: boolean;
}

export interface Settled {
	reconciliation: Reconciliation;
	// What landed, for checks beyond lost / double-counted.
	rows: LandedRow[];
	drain: NonNullable<RunReport["drain"]>;
}

const drainLine = (s: DrainStatus) =>
	`[drain] landed ${s.landed}/${s.expected}  backlog ${s.backlog ?? "?"}  ${(s.elapsedMs / 1000).toFixed(1)}s\n`;

export async function settle(records: readonly SendRecord[], options: SettleOptions): Promise<Settled> {
	const drained = await drainAndRead({
		d1: options.d1,
		select: options.select ?? { runId: options.runId },
		url: options.url,
		adminToken: options.adminToken,
		expected: acceptedIds(records).size,
		timeoutMs: options.timeoutMs,
		onPoll: options.quiet ? undefined : (s) => process.stderr.write(drainLine(s)),
	});
	return {
		reconciliation: reconcile(records, drained.rows),
		rows: drained.rows,
		drain: { drained: drained.drained, ms: drained.elapsedMs, backlog: drained.backlog },
	};
}

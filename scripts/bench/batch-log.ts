// D1 rows written, from the consumer's per-batch log line
// ({"level":"info","msg":"batch",…,"d1_rows_written":N,…}, src/consumer/consume.ts)
// in the stack's `wrangler dev` output. Pure, so the parsing is tested.

export interface BatchTotals {
	batches: number;
	rows: number;
	// Events settled by those batches: processed, unhandled or dead-lettered.
	events: number;
}

export interface D1Writes extends BatchTotals {
	seconds: number;
	rowsPerEvent: number | null;
	rowsPerSecond: number | null;
}

// The output between two offsets of the growing log, as whole lines: a line
// belongs to the window its newline falls in, so consecutive windows never
// count a line twice or cut one in half.
export function linesBetween(log: string, from: number, to: number): string[] {
	const start = from <= 0 ? 0 : log.lastIndexOf("\n", from - 1) + 1;
	const end = log.lastIndexOf("\n", to - 1) + 1;
	return end > start ? log.slice(start, end - 1).split("\n") : [];
}

// The JSON object on a log line, if any: wrangler may prefix lines (a
// timestamp, a level tag, ANSI colours) or print other lines in between.
function jsonOn(line: string): Record<string, unknown> | null {
	const open = line.indexOf("{");
	const close = line.lastIndexOf("}");
	if (open < 0 || close < open) return null;
	try {
		const value: unknown = JSON.parse(line.slice(open, close + 1));
		return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
	} catch {
		return null;
	}
}

const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

export function sumBatchLines(lines: readonly string[]): BatchTotals {
	const totals: BatchTotals = { batches: 0, rows: 0, events: 0 };
	for (const line of lines) {
		if (!line.includes('"d1_rows_written"')) continue;
		const entry = jsonOn(line);
		if (entry?.msg !== "batch" || typeof entry.d1_rows_written !== "number") continue;
		totals.batches++;
		totals.rows += entry.d1_rows_written;
		totals.events += num(entry.processed) + num(entry.unhandled) + num(entry.dead_lettered);
	}
	return totals;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function d1Writes(totals: BatchTotals, seconds: number): D1Writes {
	return {
		...totals,
		seconds: round1(seconds),
		rowsPerEvent: totals.events > 0 ? round1(totals.rows / totals.events) : null,
		rowsPerSecond: seconds > 0 ? Math.round(totals.rows / seconds) : null,
	};
}

// Several windows of one step (its rounds) as one.
export function addWrites(a: D1Writes | null, b: D1Writes): D1Writes {
	if (!a) return b;
	return d1Writes({ batches: a.batches + b.batches, rows: a.rows + b.rows, events: a.events + b.events }, a.seconds + b.seconds);
}

// Reads the stack's log at the start and end of a step.
export function logWindow(logs: () => string): { stop(): D1Writes } {
	const from = logs().length;
	const started = performance.now();
	return {
		stop() {
			const log = logs();
			return d1Writes(sumBatchLines(linesBetween(log, from, log.length)), (performance.now() - started) / 1000);
		},
	};
}

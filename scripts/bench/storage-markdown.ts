// The storage step's tables (STORAGE.md, and the section of RESULTS.md):
// per-event figures, the monthly bill beside Hookdeck's, when D1 fills.
import { type FillTime, type PerEvent, PRICES, priceGap, retentionDaysThatFit } from "./cost";
import type { StorageResult } from "./storage";

const round2 = (v: number) => Math.round(v * 100) / 100;

const usd = (v: number) => `$${v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(2)}`;
const gb = (bytes: number) => `${round2(bytes / 1e9)} GB`;

function fillRow(f: FillTime, retentionDays: number, perEvent: PerEvent): string {
	const fits = retentionDaysThatFit(perEvent, f.eventsPerSecond);
	const when =
		f.days === null
			? "**never**: retention frees all an event adds"
			: f.days === 0
				? `**at once**: ${retentionDays} days of rows alone are ${gb(f.retainedBytes)}`
				: `after **${f.days} days** (${round2(f.days / 365)} years)`;
	return `| ${f.eventsPerSecond} | ${gb(f.retainedBytes)} | ${gb(f.keptBytesPerDay)} | ${when} | ${fits === Number.POSITIVE_INFINITY ? "any" : fits} |`;
}

// The generated section docs/capacity.md links to: one table per question.
export function storageMarkdown(s: StorageResult): string[] {
	const p = s.perEvent;
	const bill = (line: string) => s.bills.map((b) => usd(b.lines[line] ?? 0)).join(" | ");
	const gap = priceGap(p);
	return [
		`Mixed run: ${s.plan.direct} direct events (the generator's signup / subscription / usage mix, one signed POST each) and ${s.plan.stripe} signed Stripe deliveries (customer, subscription created / updated / deleted, failed invoice), interleaved; ${s.events} events landed, lost ${s.lost}, double-counted ${s.doubleCounted}. Then scheduled ticks ${s.plan.retentionDays + 10} days on until retention completed (${s.retention.ticks} tick(s), ${s.retention.eventsDeleted} events rows deleted).`,
		"",
		"| per event | measured | how |",
		"|---|---|---|",
		`| D1 rows written | **${p.d1RowsWritten}** + ${p.d1RetentionRowsWritten} by retention = **${round2(p.d1RowsWritten + p.d1RetentionRowsWritten)}** | D1's own \`meta.rows_written\`, summed by the consumer's batch log line (${s.consumer.d1RowsWritten} rows over ${s.consumer.batches} batches); retention's (its log line) ÷ the events rows it deleted |`,
		`| idempotency shard rows written | **${p.shardRowsWritten}** | the shards' own SQLite cursors' \`rowsWritten\` (\`/api/health\` → \`idempotency.rows_written\`) |`,
		`| queue operations | **${p.queueOperations}** | write + read + delete per message delivered (${s.consumer.messages}, retries included) |`,
		`| R2 class-A operations | **${p.r2ClassA}** | archive objects put (${s.consumer.r2Puts}: one per source per batch) |`,
		`| D1 bytes | **${p.d1Bytes}**, of which ${p.d1BytesFreedByRetention} freed again by retention | pages in use (SQLite \`dbstat\` on the local database) before and after; after retention ÷ events rows deleted |`,
		`| R2 bytes | ${p.r2Bytes} | the local bucket's files before and after |`,
		"",
		`D1 bytes per event by table and index: ${Object.entries(s.d1.byTable)
			.sort((a, b) => b[1] - a[1])
			.map(([name, bytes]) => `${name} ${bytes}`)
			.join(", ")}.`,
		"",
		"**Monthly bill at list price** (Workers Paid, before included amounts; Workers CPU and Durable Object duration not included):",
		"",
		`| | ${s.bills.map((b) => `${b.eventsPerMonth / 1e6} M events / month`).join(" | ")} |`,
		`|---|${s.bills.map(() => "---").join("|")}|`,
		`| Workers requests (${p.workerRequests} / event) | ${bill("workers")} |`,
		`| Durable Object requests (${p.durableObjectRequests} / event) | ${bill("durableObjects")} |`,
		`| Durable Object rows written (${p.shardRowsWritten}) | ${bill("shardWrites")} |`,
		`| Queues (${p.queueOperations} operations) | ${bill("queues")} |`,
		`| D1 rows written (${round2(p.d1RowsWritten + p.d1RetentionRowsWritten)}) | ${bill("d1Writes")} |`,
		`| D1 storage (a month of rows) | ${bill("d1Storage")} |`,
		`| R2 (class A + a month of archive) | ${bill("r2")} |`,
		`| **total** | ${s.bills.map((b) => `**${usd(b.total)}**`).join(" | ")} |`,
		`| per million events | ${s.bills.map((b) => usd(b.perMillion)).join(" | ")} |`,
		`| Hookdeck list price ($10 / M) | ${s.bills.map((b) => usd(b.hookdeck)).join(" | ")} |`,
		`| at or below Hookdeck? | ${s.bills.map((b) => (b.total <= b.hookdeck ? "✓" : "✗")).join(" | ")} |`,
		"",
		gap.perMillion <= PRICES.hookdeckPerM
			? "At or below Hookdeck's list price at every volume."
			: `**What it would take**: with every other line as measured, the bill reaches Hookdeck's ${usd(PRICES.hookdeckPerM)} per million only when D1 rows written fall to **${gap.d1RowsAtHookdeck}** per event, retention included (now ${round2(p.d1RowsWritten + p.d1RetentionRowsWritten)}): a design change (docs/capacity.md, "Short of the targets"). Packing several accepted events into one queue message saves at most the queue line, ${usd(gap.queuesPerMillion)} per million.`,
		"",
		`**When one D1 database (10 GB) fills**, with RETENTION_DAYS = ${s.plan.retentionDays}: the retention window's rows stay, the rest (business tables, rollups, archive manifest) accumulates.`,
		"",
		"| events/s | retention window's rows | kept for good per day | D1 fills | RETENTION_DAYS whose window fits in half a database |",
		"|---|---|---|---|---|",
		...s.fill.map((f) => fillRow(f, s.plan.retentionDays, p)),
		"",
	];
}

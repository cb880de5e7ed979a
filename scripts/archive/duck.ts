// DuckDB over archive NDJSON (src/archive/line.ts): a view `events` with one
// row per archived event, whatever engine fetched the files.
import { DuckDBInstance } from "@duckdb/node-api";

// The archive line's columns, declared so an empty day still has a schema.
export const ARCHIVE_COLUMNS = `{id: 'VARCHAR', source: 'VARCHAR', type: 'VARCHAR', received_at: 'BIGINT', occurred_at: 'BIGINT',
	provider_event_id: 'VARCHAR', provider_type: 'VARCHAR', headers: 'JSON', payload: 'VARCHAR'}`;

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export function eventsView(paths: readonly string[]): string {
	if (paths.length === 0)
		return "CREATE VIEW events AS SELECT NULL::VARCHAR AS id, NULL::VARCHAR AS source, NULL::VARCHAR AS type, NULL::BIGINT AS received_at, NULL::BIGINT AS occurred_at, NULL::VARCHAR AS provider_event_id, NULL::VARCHAR AS provider_type, NULL::JSON AS headers, NULL::VARCHAR AS payload WHERE false";
	return `CREATE VIEW events AS SELECT * FROM read_json([${paths.map(quote).join(", ")}], format = 'newline_delimited', columns = ${ARCHIVE_COLUMNS})`;
}

export interface QueryResult {
	columns: string[];
	rows: unknown[][];
}

// Runs `sql` with the view over `paths` (local files, or r2:// / https://
// URLs once `setup` has loaded httpfs and a secret).
export async function queryArchive(paths: readonly string[], sql: string, setup: readonly string[] = []): Promise<QueryResult> {
	const instance = await DuckDBInstance.create(":memory:");
	const connection = await instance.connect();
	try {
		for (const statement of setup) await connection.run(statement);
		await connection.run(eventsView(paths));
		const reader = await connection.runAndReadAll(sql);
		return { columns: reader.columnNames(), rows: reader.getRowsJson() as unknown[][] };
	} finally {
		connection.closeSync();
	}
}

// A plain text table, as psql or duckdb's CLI print one.
export function formatTable({ columns, rows }: QueryResult): string {
	const cell = (v: unknown) => (v === null || v === undefined ? "NULL" : typeof v === "string" ? v : JSON.stringify(v));
	const cells = rows.map((r) => r.map(cell));
	const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => (r[i] ?? "").length)));
	const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i] ?? 0)).join(" | ");
	return [
		line(columns),
		widths.map((w) => "-".repeat(w)).join("-+-"),
		...cells.map(line),
		`(${rows.length} row${rows.length === 1 ? "" : "s"})`,
	].join("\n");
}

// Days from `from` to `to`, inclusive, YYYY-MM-DD (UTC).
export function dayRange(from: string, to: string): string[] {
	const start = Date.parse(`${from}T00:00:00Z`);
	const end = Date.parse(`${to}T00:00:00Z`);
	if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) throw new Error(`bad day range ${from}..${to}`);
	if ((end - start) / 86_400_000 > 366) throw new Error("at most 366 days at a time");
	const days: string[] = [];
	for (let t = start; t <= end; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
	return days;
}

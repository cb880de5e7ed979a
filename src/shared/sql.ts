import type { Keyset } from "./cursor";

// A WHERE clause from optional conditions. Each condition is a code-constant
// SQL fragment with `?` placeholders plus its values; a condition whose value
// is undefined is left out, so filters stay index-friendly (no `? IS NULL OR`).
export type Condition = readonly [sql: string, ...values: unknown[]];

export interface Clause {
	sql: string;
	params: unknown[];
}

export function where(conditions: readonly (Condition | false | undefined)[]): Clause {
	const kept = conditions.filter((c): c is Condition => Array.isArray(c) && c.slice(1).every((v) => v !== undefined));
	return {
		sql: kept.length ? `WHERE ${kept.map(([sql]) => `(${sql})`).join(" AND ")}` : "",
		params: kept.flatMap(([, ...values]) => values),
	};
}

// Optional equality / range conditions for the common filters.
export const eq = (column: string, value: unknown): Condition => [`${column} = ?`, value];
export const atLeast = (column: string, value: number | undefined): Condition => [`${column} >= ?`, value];
export const before = (column: string, value: number | undefined): Condition => [`${column} < ?`, value];

// Newest-first keyset: rows strictly after the cursor in (time DESC, id DESC).
export function afterKey(timeColumn: string, idColumn: string, key: Keyset | null): Condition | undefined {
	return key ? [`(${timeColumn}, ${idColumn}) < (?, ?)`, key.at, key.id] : undefined;
}

// `column LIKE %text%` with the LIKE wildcards in text taken literally.
export function contains(column: string, text: string | undefined): Condition {
	return [`${column} LIKE ? ESCAPE '\\'`, text === undefined ? undefined : `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`];
}

// D1 allows at most 100 bound parameters per statement.
export const MAX_BOUND_PARAMS = 100;

// Multi-row INSERTs, split so no statement binds more than 100 parameters.
// Table, column and conflict clauses are code constants; values are bound.
export function insertRows<R extends object>(
	db: D1Database,
	table: string,
	columns: readonly (keyof R & string)[],
	rows: readonly R[],
	conflictClause: string,
): D1PreparedStatement[] {
	const perStatement = Math.max(1, Math.floor(MAX_BOUND_PARAMS / columns.length));
	const tuple = `(${columns.map(() => "?").join(", ")})`;
	const statements: D1PreparedStatement[] = [];
	for (let i = 0; i < rows.length; i += perStatement) {
		const chunk = rows.slice(i, i + perStatement);
		const sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => tuple).join(", ")} ${conflictClause}`;
		statements.push(db.prepare(sql).bind(...chunk.flatMap((row) => columns.map((col) => row[col] as unknown))));
	}
	return statements;
}

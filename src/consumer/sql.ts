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

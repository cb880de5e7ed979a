// Grouping and totalling keyed by data (event types, sources, user ids).
//
// Why: totals kept in a plain object literal ({}) break on keys that name
// Object.prototype members. `totals["__proto__"] += 1` reads the prototype
// and assigns through the __proto__ setter (the count vanishes);
// `totals["constructor"] ?? 0` is a function, so the sum becomes a string;
// `"toString" in totals` is true before any row has that key. Event types
// and sources come from senders, so any of these can appear. A Map has no
// inherited keys, and the record for JSON output has no prototype, so every
// key is just a key.

export function sumBy<Row, K>(rows: Iterable<Row>, keyOf: (row: Row) => K, valueOfRow: (row: Row) => number): Map<K, number> {
	const totals = new Map<K, number>();
	for (const row of rows) {
		const key = keyOf(row);
		totals.set(key, (totals.get(key) ?? 0) + valueOfRow(row));
	}
	return totals;
}

// A prototype-less object with the map's entries, for c.json(). Every key,
// "__proto__" included, becomes an own enumerable property, which is what
// JSON.stringify and Object.entries read. Order is the map's, except that
// integer-like keys ("1", "42") come first, as in any JavaScript object.
export function toNullProtoRecord<V>(map: ReadonlyMap<string, V>): Record<string, V> {
	const record = Object.create(null) as Record<string, V>;
	for (const [key, value] of map) {
		Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
	}
	return record;
}

// JSON with object keys sorted at every depth: two bodies that differ only in
// key order or whitespace hash the same, so the idempotency check compares
// content, not formatting.
//
// Written without recursion: a recursive version calls itself once per
// nesting level, so a body nested a few thousand levels deep would overflow
// the stack while hashing (a 500 instead of an answer the sender can act on).
// This one walks the value with an explicit stack and produces byte for byte
// the output of the recursive version it replaced (the test compares the two
// over generated values), so no stored idempotency hash changed.
//
// Output rules: object keys sorted by UTF-16 code units at every depth,
// members whose value is undefined left out, no whitespace, leaves written by
// JSON.stringify. Keys are read with
// Object.entries, so an own "__proto__" key made by JSON.parse is kept like
// any other key; no object is ever built from the input's keys here.

type Task =
	// A string to emit as is.
	| { text: string }
	// A value to write; `inArray` picks what an unwritable leaf becomes.
	| { value: unknown; inArray: boolean };

export function canonicalJson(value: unknown): string {
	if (!isContainer(value)) return JSON.stringify(value);
	const out: string[] = [];
	const tasks: Task[] = [{ value, inArray: false }];
	for (let task = tasks.pop(); task !== undefined; task = tasks.pop()) {
		if ("text" in task) {
			out.push(task.text);
			continue;
		}
		const current = task.value;
		if (Array.isArray(current)) {
			// Pushed in reverse so they pop in order.
			tasks.push({ text: "]" });
			for (let i = current.length - 1; i >= 0; i--) {
				tasks.push({ value: current[i], inArray: true });
				if (i > 0) tasks.push({ text: "," });
			}
			out.push("[");
		} else if (current !== null && typeof current === "object") {
			const entries = Object.entries(current as Record<string, unknown>)
				.filter(([, v]) => v !== undefined)
				.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
			tasks.push({ text: "}" });
			for (let i = entries.length - 1; i >= 0; i--) {
				const [k, v] = entries[i] as [string, unknown];
				tasks.push({ value: v, inArray: false });
				tasks.push({ text: `${JSON.stringify(k)}:` });
				if (i > 0) tasks.push({ text: "," });
			}
			out.push("{");
		} else {
			// JSON.stringify gives undefined for undefined, functions and
			// symbols: the recursive version's Array#join turns that into ""
			// inside arrays, and its template literal into "undefined" as a
			// member value. Kept identical so no hash can change.
			const leaf = JSON.stringify(current) as string | undefined;
			out.push(leaf ?? (task.inArray ? "" : "undefined"));
		}
	}
	return out.join("");
}

function isContainer(value: unknown): boolean {
	return Array.isArray(value) || (value !== null && typeof value === "object");
}

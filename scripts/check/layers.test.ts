import path from "node:path";
import { describe, expect, it } from "vitest";
import { collectEdges, importsOf, violations } from "./layers";

const layers = { shared: 0, events: 1, ingest: 3, admin: 4 };
const edge = (from: string, to: string) => ({ from, to });

describe("layer check", () => {
	it("allows imports within a folder and down the layers", () => {
		expect(
			violations(
				[
					edge("src/ingest/routes.ts", "src/ingest/accept"),
					edge("src/ingest/routes.ts", "src/shared/errors"),
					edge("src/admin/x.ts", "src/events/envelope"),
				],
				layers,
			),
		).toEqual([]);
	});

	it("refuses an upward import and a peer import, which is how cycles start", () => {
		expect(violations([edge("src/shared/validation.ts", "src/ingest/envelope")], layers)[0]).toMatch(/may only import lower layers/);
		expect(violations([edge("src/ingest/a.ts", "src/ingest2/b")], { ...layers, ingest2: 3 })[0]).toMatch(/lower layers/);
	});

	it("refuses a folder nobody ranked, and imports of the wiring files", () => {
		expect(violations([edge("src/newthing/a.ts", "src/shared/errors")], layers)[0]).toMatch(/unranked folder src\/newthing/);
		expect(violations([edge("src/admin/a.ts", "src/app")], layers)[0]).toMatch(/only the files directly in src\/ wire the app/);
		expect(violations([edge("src/app.ts", "src/admin/routes")], layers)).toEqual([]);
	});

	it("keeps src/ off test/ and scripts/, and scripts/ off test/", () => {
		expect(violations([edge("src/admin/a.ts", "test/support/builders")], layers)[0]).toMatch(/must not import test/);
		expect(violations([edge("scripts/bench/a.ts", "test/e2e/stack")], layers)[0]).toMatch(/scripts\/ must not import test/);
		expect(violations([edge("test/e2e/a.ts", "scripts/stack/local-stack")], layers)).toEqual([]);
	});

	it("finds static, type-only, re-export and dynamic relative imports only", () => {
		const source = `import { a } from "./a";\nimport type { B } from "../b";\nexport { c } from "./c";\nconst d = await import("./d");\nimport "./e";\nimport { z } from "zod";`;
		expect(importsOf(source)).toEqual(["./a", "../b", "./c", "./d", "./e"]);
	});

	it("passes on this repository", () => {
		const root = path.resolve(import.meta.dirname, "../..");
		expect(violations(collectEdges(root))).toEqual([]);
	});
});

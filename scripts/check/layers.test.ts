import path from "node:path";
import { describe, expect, it } from "vitest";
import { collectEdges, importsOf, impureCoreFiles, privateFieldUses, sourceFiles, violations } from "./layers";

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

	it("keeps a stage's core pure: zod, shared/ and its own core only", () => {
		const ranked = { ...layers, zod: -1, forwarding: 3 };
		expect(
			violations(
				[
					edge("src/forwarding/core/payload.ts", "src/forwarding/core/filter"),
					edge("src/forwarding/core/schema.ts", "src/zod/mini"),
					edge("src/forwarding/core/retry.ts", "src/shared/crypto"),
					edge("src/forwarding/send.ts", "src/forwarding/core/payload"),
				],
				ranked,
			),
		).toEqual([]);
		// Its own stage's wired modules, or a lower stage, are off limits to the core.
		expect(violations([edge("src/forwarding/core/payload.ts", "src/forwarding/store")], ranked)[0]).toMatch(/pure core/);
		expect(violations([edge("src/forwarding/core/payload.ts", "src/events/envelope")], ranked)[0]).toMatch(/pure core/);
	});

	it("finds a core that reads the clock, randomness or env, but not in comments or tests", () => {
		const core = (text: string, file = "src/forwarding/core/retry.ts") => impureCoreFiles([{ file, text }]);
		expect(core("export const at = () => Date.now();")).toHaveLength(1);
		expect(core("const r = Math.random();")).toHaveLength(1);
		expect(core("const limit = env.LIMIT;")).toHaveLength(1);
		expect(core("// never Date.now() here\nexport const x = 1;")).toEqual([]);
		expect(core("const t = Date.now();", "src/forwarding/core/retry.test.ts")).toEqual([]);
		expect(core("const t = Date.now();", "src/forwarding/send.ts")).toEqual([]);
		expect(core('import { z } from "zod";')).toEqual(["src/forwarding/core/retry.ts: a pure core imports packages only through src/zod"]);
		expect(core('import * as z from "../../zod/mini";')).toEqual([]);
	});

	it("ranks scripts/ folders too, so the tooling has no cycles", () => {
		const scripts = { stack: 0, events: 1, bench: 2 };
		expect(
			violations([edge("scripts/bench/a.ts", "scripts/events/b"), edge("scripts/events/a.ts", "scripts/stack/d1")], layers, scripts),
		).toEqual([]);
		expect(violations([edge("scripts/stack/a.ts", "scripts/events/d1")], layers, scripts)[0]).toMatch(/may only import lower layers/);
		expect(violations([edge("scripts/newtool/a.ts", "scripts/stack/d1")], layers, scripts)[0]).toMatch(/unranked folder scripts\/newtool/);
		expect(violations([edge("scripts/events/a.ts", "src/events/envelope")], layers, scripts)).toEqual([]);
	});

	it("finds code that touches Hono's private body cache, written or read, but not a comment about it", () => {
		const uses = (text: string) => privateFieldUses([{ file: "src/ingest/middleware.ts", text }]);
		expect(uses("c.req.bodyCache.arrayBuffer = Promise.resolve(body) as unknown as ArrayBuffer;")).toHaveLength(1);
		expect(uses("c.req.bodyCache.text = Promise.resolve(text);")).toHaveLength(1);
		expect(uses('c.req["bodyCache"].json = json;')).toHaveLength(1);
		expect(uses("const cached = await c.req.bodyCache.formData;")).toHaveLength(1);
		expect(uses("// never write c.req.bodyCache\nc.set('rawBody', await c.req.arrayBuffer());")).toEqual([]);
	});

	it("finds static, type-only, re-export and dynamic relative imports only", () => {
		const source = `import { a } from "./a";\nimport type { B } from "../b";\nexport { c } from "./c";\nconst d = await import("./d");\nimport "./e";\nimport { z } from "zod";`;
		expect(importsOf(source)).toEqual(["./a", "../b", "./c", "./d", "./e"]);
	});

	it("passes on this repository", () => {
		const root = path.resolve(import.meta.dirname, "../..");
		expect(violations(collectEdges(root))).toEqual([]);
		expect(impureCoreFiles(sourceFiles(root, ["src"]))).toEqual([]);
		expect(privateFieldUses(sourceFiles(root, ["src", "scripts"]))).toEqual([]);
	});
});

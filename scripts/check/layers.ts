// The architecture check behind `npm run check:deps`, in one place:
//
// - src/ folders (pipeline stages) are ranked; a file may import its own
//   folder and folders of a strictly lower rank, never a peer or anything
//   above, so no folder cycle can form. The files directly in src/ (index.ts,
//   app.ts, operator.ts, queue.ts, scheduled.ts) sit on top and wire
//   everything.
// - A stage's pure core (src/<stage>/core/) imports only zod, shared/ and its
//   own core, and reads no clock, randomness or bindings: time and env come
//   in as arguments.
// - scripts/ folders are ranked the same way (SCRIPT_LAYERS), so the tooling
//   has no cycles either; scripts/ may import src/.
// - src/ never imports test/ or scripts/, and scripts/ never imports test/.
// - No code touches a library's private fields (Hono's c.req.bodyCache): the
//   raw body is read through public APIs and kept in the context var rawBody.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const LAYERS: Readonly<Record<string, number>> = {
	zod: -1, // zod/mini set up once (English messages): every schema module's z, so below all of them
	shared: 0, // config, errors, logs, auth, validation, crypto, the events row type, Standard Webhooks signing, canonical JSON, keyset cursor, outbound HTTP
	archive: 0.5, // the R2 archive of raw events: layout, NDJSON lines, the one payload read (imports only shared)
	events: 1, // the contract: envelope, queue message, event-type modules
	sources: 2, // provider presets, source config, mapping: pure
	idempotency: 2,
	forwarding: 3, // destinations wired to D1, Queues and HTTP; reads sources' mappings to rebuild provider events; below consumer, whose hook enqueues deliveries
	consumer: 4,
	ingest: 4,
	metrics: 4,
	analytics: 4,
	retention: 4, // the storage jobs of every tick: archive backfill, retention, orphan sweep
	admin: 5, // imports consumer for replay
	health: 5,
	openapi: 5,
	alerting: 6, // alerts wired to the metrics pipeline state, D1, the cron trigger and the channels
};

// scripts/ folders, ranked like src/'s.
export const SCRIPT_LAYERS: Readonly<Record<string, number>> = {
	stack: 0, // the local stack: wrangler dev, its D1, .dev.vars
	check: 0,
	dashboard: 0,
	ops: 0,
	events: 1, // the generator and reconciler, against a stack
	bench: 2, // drives the generator against stacks
	analytics: 3, // the analytics bench
	archive: 0, // the archive query CLI (DuckDB over R2's NDJSON)
	deploy: 2, // setup, deploy, doctor: reads .dev.vars parsing and the smoke test's HTTP client from events
};

export interface ImportEdge {
	from: string; // repo-relative file path
	to: string; // repo-relative resolved path, without extension
}

const TOP = "(top)";

// The area a repo-relative path belongs to: a src/ or scripts/ folder,
// "(top)" for files directly in src/, or the first directory (test) elsewhere.
export function areaOf(file: string): string {
	const parts = file.split("/");
	if (parts[0] === "scripts" && parts.length > 2) return `scripts/${parts[1]}`;
	if (parts[0] !== "src") return parts[0] ?? "";
	return parts.length === 2 ? TOP : `src/${parts[1]}`;
}

// "src/forwarding/core" for a file in a stage's core, else null.
export function coreOf(file: string): string | null {
	const parts = file.split("/");
	return parts[0] === "src" && parts[2] === "core" && parts.length > 3 ? parts.slice(0, 3).join("/") : null;
}

function coreViolation(from: string, to: string): string | null {
	const core = coreOf(from);
	if (!core) return null;
	const b = areaOf(to);
	if (b === "src/zod" || b === "src/shared" || coreOf(`${to}.ts`) === core) return null;
	return `${core} is a pure core: it imports only zod, shared/ and its own core, not ${b}`;
}

export function violations(
	edges: readonly ImportEdge[],
	layers: Readonly<Record<string, number>> = LAYERS,
	scriptLayers: Readonly<Record<string, number>> = SCRIPT_LAYERS,
): string[] {
	const found: string[] = [];
	for (const { from, to } of edges) {
		const a = areaOf(from);
		const b = areaOf(to);
		const why = (reason: string) => found.push(`${from} → ${to}: ${reason}`);
		const core = coreViolation(from, to);
		if (core) why(core);
		if (a === b) continue;
		if (a.startsWith("src") || a === TOP) {
			if (!(b.startsWith("src") || b === TOP)) {
				why(`src/ must not import ${b}/`);
				continue;
			}
			if (a === TOP) continue;
			if (b === TOP) {
				why("only the files directly in src/ wire the app; nothing below imports them");
				continue;
			}
			const problem = rankProblem(a, b, layers, "src/", "LAYERS");
			if (problem) why(problem);
		} else if (a.startsWith("scripts/")) {
			if (b === "test") {
				why("scripts/ must not import test/ (move shared helpers into scripts/)");
				continue;
			}
			if (!b.startsWith("scripts/")) continue;
			const problem = rankProblem(a, b, scriptLayers, "scripts/", "SCRIPT_LAYERS");
			if (problem) why(problem);
		}
	}
	return found;
}

// Why an import from folder a to folder b (both under prefix) breaks the
// ranking in table, or null when b sits in a lower layer.
function rankProblem(a: string, b: string, table: Readonly<Record<string, number>>, prefix: string, tableName: string): string | null {
	const ra = table[a.slice(prefix.length)];
	const rb = table[b.slice(prefix.length)];
	if (ra === undefined || rb === undefined) {
		return `unranked folder ${ra === undefined ? a : b}: add it to ${tableName} in scripts/check/layers.ts`;
	}
	return rb >= ra ? `${a} (layer ${ra}) may only import lower layers, not ${b} (layer ${rb})` : null;
}

// A pure core reads no clock, randomness or bindings (comments aside):
// what it needs of them is passed in, so its tests need no fakes.
const IMPURE = /Date\.now\(|Math\.random\(|new Date\(\)|getRandomValues|randomUUID|\benv\.|performance\.now/;

// And it takes packages only through src/zod (zod/mini set up once).
const PACKAGE_IMPORT = /(?:^|\n)\s*(?:import|export)\b[^"'`;]*?from\s*["'][^."']/;

export function impureCoreFiles(files: readonly { file: string; text: string }[]): string[] {
	return files
		.filter(({ file }) => coreOf(file) && !file.endsWith(".test.ts"))
		.flatMap(({ file, text }) => {
			const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
			return [
				...(IMPURE.test(code) ? [`${file}: a pure core reads no clock, randomness or bindings; take them as arguments`] : []),
				...(PACKAGE_IMPORT.test(code) ? [`${file}: a pure core imports packages only through src/zod`] : []),
			];
		});
}

// Fields a library keeps for itself: public in its types, private in intent.
// Hono's request body cache is filled by Hono's own readers (c.req.json(),
// c.req.arrayBuffer(), …); writing it hands them bytes they never read.
const LIBRARY_PRIVATE_FIELDS = /\.\s*bodyCache\b|\[\s*["'`]bodyCache["'`]\s*\]/;

// (This check and its test name the field, so scripts/check/ is left out.)
export function privateFieldUses(files: readonly { file: string; text: string }[]): string[] {
	return files
		.filter(({ file }) => !file.startsWith("scripts/check/"))
		.filter(({ text }) => LIBRARY_PRIVATE_FIELDS.test(text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "")))
		.map(({ file }) => `${file}: touches Hono's private c.req.bodyCache; read the body through public APIs (the rawBody context var)`);
}

const IMPORT =
	/(?:^|\n)\s*(?:import|export)\b[^"'`;]*?from\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)|(?:^|\n)\s*import\s*["']([^"']+)["']/g;

export function importsOf(source: string): string[] {
	return [...source.matchAll(IMPORT)].map((m) => m[1] ?? m[2] ?? m[3] ?? "").filter((s) => s.startsWith("."));
}

function listTs(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true, recursive: true })
		.filter((e) => e.isFile() && /\.(ts|mts)$/.test(e.name) && !e.name.endsWith(".d.ts"))
		.map((e) => path.join(e.parentPath, e.name));
}

export function sourceFiles(root: string, dirs = ["src", "scripts", "test"]): { file: string; text: string }[] {
	return dirs.flatMap((dir) =>
		listTs(path.join(root, dir)).map((abs) => ({
			file: path.relative(root, abs).split(path.sep).join("/"),
			text: readFileSync(abs, "utf8"),
		})),
	);
}

export function collectEdges(root: string, dirs = ["src", "scripts", "test"]): ImportEdge[] {
	const edges: ImportEdge[] = [];
	for (const dir of dirs) {
		for (const abs of listTs(path.join(root, dir))) {
			const from = path.relative(root, abs).split(path.sep).join("/");
			for (const spec of importsOf(readFileSync(abs, "utf8"))) {
				const to = path
					.relative(root, path.resolve(path.dirname(abs), spec))
					.split(path.sep)
					.join("/");
				edges.push({ from, to });
			}
		}
	}
	return edges;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const root = path.resolve(import.meta.dirname, "../..");
	const edges = collectEdges(root);
	const found = [
		...violations(edges),
		...impureCoreFiles(sourceFiles(root, ["src"])),
		...privateFieldUses(sourceFiles(root, ["src", "scripts"])),
	];
	if (found.length > 0) {
		console.error(`Layer check failed: ${found.length} import(s) point the wrong way\n${found.map((f) => `  ${f}`).join("\n")}`);
		process.exit(1);
	}
	console.log(`Layer check: ${edges.length} relative imports, all point one way`);
}

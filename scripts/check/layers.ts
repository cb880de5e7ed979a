// The layer check behind `npm run check:deps`: imports point one way.
//
// src/ folders are ranked; a file may import its own folder and folders of a
// strictly lower rank, never a peer or anything above, so no folder cycle can
// form. The files directly in src/ (index.ts, app.ts and operator.ts) sit on
// top and wire everything. src/ never imports test/ or scripts/, and scripts/
// never imports test/.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export const LAYERS: Readonly<Record<string, number>> = {
	zod: -1, // zod/mini set up once (English messages): every schema module's z, so below all of them
	shared: 0, // config, errors, logs, auth, validation, crypto, canonical JSON, keyset cursor, outbound HTTP
	destinations: 0, // pure core: destination schema, filters, payloads, signing, retry, breaker (imports only zod, through src/zod)
	archive: 0.5, // the R2 archive of raw events: layout, NDJSON lines, the one payload read (imports only shared)
	events: 1, // the contract: envelope, queue message, event-type modules
	alerts: 1, // pure core: rules, alert state, channel bodies (imports destinations/signing)
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

export interface ImportEdge {
	from: string; // repo-relative file path
	to: string; // repo-relative resolved path, without extension
}

const TOP = "(top)";

// The area a repo-relative path belongs to: a src/ folder, "(top)" for files
// directly in src/, or the first directory (scripts, test) elsewhere.
export function areaOf(file: string): string {
	const parts = file.split("/");
	if (parts[0] !== "src") return parts[0] ?? "";
	return parts.length === 2 ? TOP : `src/${parts[1]}`;
}

export function violations(edges: readonly ImportEdge[], layers: Readonly<Record<string, number>> = LAYERS): string[] {
	const found: string[] = [];
	for (const { from, to } of edges) {
		const a = areaOf(from);
		const b = areaOf(to);
		if (a === b) continue;
		const why = (reason: string) => found.push(`${from} → ${to}: ${reason}`);
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
			const ra = layers[a.slice(4)];
			const rb = layers[b.slice(4)];
			if (ra === undefined || rb === undefined) {
				why(`unranked folder ${ra === undefined ? a : b}: add it to LAYERS in scripts/check/layers.ts`);
			} else if (rb >= ra) {
				why(`${a} (layer ${ra}) may only import lower layers, not ${b} (layer ${rb})`);
			}
		} else if (a === "scripts" && b === "test") {
			why("scripts/ must not import test/ (move shared helpers into scripts/)");
		}
	}
	return found;
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
	const found = violations(edges);
	if (found.length > 0) {
		console.error(`Layer check failed: ${found.length} import(s) point the wrong way\n${found.map((f) => `  ${f}`).join("\n")}`);
		process.exit(1);
	}
	console.log(`Layer check: ${edges.length} relative imports, all point one way`);
}

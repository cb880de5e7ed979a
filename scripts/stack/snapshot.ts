// A private copy of the Worker (config, sources, migrations) for a local stack
// to run from. `wrangler dev` reloads whenever its files change; in a shared
// checkout someone's edit would otherwise restart the Worker mid-run (losing
// local queue state) and the numbers would measure the edit, not the pipeline.
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
// Everything else at the top level is copied, so whatever wrangler.toml points
// at (sources, migrations, static assets) comes along.
export const NOT_COPIED = new Set(["node_modules", ".git", ".wrangler", "dist", "coverage", "bench", "tmp", ".e2e-state"]);

export interface Snapshot {
	dir: string;
	remove(): void;
}

export function snapshotWorker(root = ROOT): Snapshot {
	const dir = mkdtempSync(path.join(tmpdir(), "worker-snapshot-"));
	for (const entry of readdirSync(root)) {
		if (!NOT_COPIED.has(entry)) cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
	}
	// Dependencies are read, never written: link them instead of copying.
	symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
	return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

// The Worker's footprint as wrangler measures it: upload size (raw and
// gzip, from a dry-run deploy) and active startup CPU (`wrangler check
// startup`). Issue 11's budget: at most 100 KiB gzip, at most 15 ms.
//
//   npm run footprint            → JSON on stdout
//   measureFootprint(root)       → the same numbers, for the bench
//
// One bundle is built and profiled several times: a startup profile samples
// about once a millisecond, and what little runs at startup lands in one or
// two samples, so one run reads anywhere from 0 to ~12 ms. The median is
// the figure; every run is kept beside it.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify, stripVTControlCharacters } from "node:util";

const run = promisify(execFile);

export const BUDGET = { gzipKiB: 100, startupMs: 15 } as const;

export interface UploadSize {
	uploadKiB: number;
	gzipKiB: number;
}

// One `wrangler check startup` summary (wrangler's own arithmetic: active is
// the sampled time minus idle, garbage collection included).
export interface StartupProfile {
	activeMs: number;
	garbageCollectionMs: number;
	profileWindowMs: number;
}

export interface Footprint extends UploadSize {
	// Median active startup CPU over the runs.
	startupMs: number;
	startupRunsMs: number[];
	// Median profile window (first to last sample, idle included).
	profileWindowMs: number;
}

// Wrangler colours some lines (box-drawing frames need no stripping).
const plain = (text: string) => stripVTControlCharacters(text);

function number(text: string, pattern: RegExp, what: string): number {
	const match = pattern.exec(plain(text));
	if (!match?.[1]) throw new Error(`wrangler output has no ${what}:\n${text.slice(0, 2000)}`);
	return Number(match[1]);
}

// "Total Upload: 275.98 KiB / gzip: 93.30 KiB" (deploy), or "Bundle: … KiB /
// gzip: … KiB" (check startup).
export function parseUploadSize(output: string): UploadSize {
	const match = /(?:Total Upload|Bundle):\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(plain(output));
	if (!match?.[1] || !match[2]) throw new Error(`wrangler output has no upload size:\n${output.slice(0, 2000)}`);
	return { uploadKiB: Number(match[1]), gzipKiB: Number(match[2]) };
}

export function parseStartupProfile(output: string): StartupProfile {
	return {
		activeMs: number(output, /Active:\s*([\d.]+)\s*ms/, "active startup time"),
		garbageCollectionMs: number(output, /including\s*([\d.]+)\s*ms garbage collection/, "garbage collection time"),
		profileWindowMs: number(output, /Profile window:\s*([\d.]+)\s*ms/, "profile window"),
	};
}

export function median(values: readonly number[]): number {
	if (values.length === 0) throw new Error("median of nothing");
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

// Wrangler under this very Node (it needs a newer one than a bare `node` may be).
async function wrangler(cwd: string, args: string[]): Promise<string> {
	const bin = path.join(cwd, "node_modules", "wrangler", "bin", "wrangler.js");
	const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
		cwd,
		env: { ...process.env, CI: "true", NO_COLOR: "1", WRANGLER_SEND_METRICS: "false" },
		maxBuffer: 16 * 1024 * 1024,
		timeout: 180_000,
	});
	return `${stdout}\n${stderr}`;
}

export async function measureFootprint(cwd: string, options: { runs?: number } = {}): Promise<Footprint> {
	const runs = options.runs ?? 5;
	const dir = mkdtempSync(path.join(os.tmpdir(), "footprint-"));
	try {
		const bundle = path.join(dir, "worker.bundle");
		const size = parseUploadSize(await wrangler(cwd, ["deploy", "--dry-run", "--outfile", bundle]));
		const profiles: StartupProfile[] = [];
		for (let i = 0; i < runs; i++) {
			const output = await wrangler(cwd, ["check", "startup", "--worker", bundle, "--outfile", path.join(dir, `startup-${i}.cpuprofile`)]);
			profiles.push(parseStartupProfile(output));
		}
		const startupRunsMs = profiles.map((p) => p.activeMs);
		return {
			...size,
			startupMs: median(startupRunsMs),
			startupRunsMs,
			profileWindowMs: median(profiles.map((p) => p.profileWindowMs)),
		};
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const root = path.resolve(import.meta.dirname, "../..");
	const footprint = await measureFootprint(root);
	console.log(JSON.stringify({ ...footprint, budget: BUDGET }, null, 2));
}

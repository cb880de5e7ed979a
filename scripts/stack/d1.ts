// Reads D1 the way an operator does: `wrangler d1 execute DB --json`, local
// (optionally from a given persist dir) or --remote for a deployed stack.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

export interface D1Target {
	remote?: boolean;
	persistDir?: string;
	// Where wrangler.toml is (default: this repo).
	configDir?: string;
}

export function d1ExecuteArgs(target: D1Target, sql: string): string[] {
	const where = target.remote ? ["--remote"] : ["--local", ...(target.persistDir ? ["--persist-to", target.persistDir] : [])];
	return ["d1", "execute", "DB", ...where, "--json", "--command", sql];
}

// A local read runs beside the stack's own writer on the same SQLite file:
// under a heavy drain it can find the database locked. That is a busy
// reader, not a wrong answer, so it is retried a few times.
const LOCKED = /SQLITE_BUSY|database is locked/;
const QUERY_ATTEMPTS = 5;

export function isLockedError(err: unknown): boolean {
	const e = err as { message?: unknown; stderr?: unknown };
	return LOCKED.test(`${String(e?.message ?? "")}\n${String(e?.stderr ?? "")}`);
}

export async function queryD1<T>(target: D1Target, sql: string): Promise<T[]> {
	for (let attempt = 1; ; attempt++) {
		try {
			const { stdout } = await run(WRANGLER, d1ExecuteArgs(target, sql), {
				cwd: target.configDir ?? ROOT,
				maxBuffer: 512 * 1024 * 1024,
				timeout: 120_000,
				env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
			});
			const parsed = JSON.parse(stdout) as { results: T[] }[];
			return parsed.flatMap((p) => p.results);
		} catch (err) {
			if (attempt >= QUERY_ATTEMPTS || !isLockedError(err)) throw err;
			await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
		}
	}
}

export function sqlString(value: string): string {
	return `'${value.replaceAll("'", "''")}'`;
}

// Runs `wrangler` as found on PATH (under `npm run` that is the project's
// own; the tests put a recording stub first), never through a shell, with
// pipes: wrangler then runs non-interactively and skips its prompts. Secret
// values only ever travel on stdin, never in arguments.
import { spawn } from "node:child_process";
import { stripVTControlCharacters } from "node:util";

export interface WranglerResult {
	code: number;
	stdout: string;
	stderr: string;
}

export type Wrangler = (args: readonly string[], options?: { input?: string }) => Promise<WranglerResult>;

// A runner for one wrangler environment: --env is added to every call.
export function wranglerFor(env: string | undefined, binary = "wrangler"): Wrangler {
	return (args, options = {}) =>
		new Promise((resolve, reject) => {
			const child = spawn(binary, [...args, ...(env ? ["--env", env] : [])], {
				stdio: ["pipe", "pipe", "pipe"],
				env: { ...process.env, WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false" },
			});
			let stdout = "";
			let stderr = "";
			child.stdout.on("data", (d: Buffer) => {
				stdout += d.toString();
			});
			child.stderr.on("data", (d: Buffer) => {
				stderr += d.toString();
			});
			child.on("error", (err) => reject(new Error(`could not run ${binary}: ${err.message}`)));
			child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
			child.stdin.end(options.input ?? "");
		});
}

// Both streams, without colour codes.
export const outputOf = (r: WranglerResult) => stripVTControlCharacters(`${r.stdout}\n${r.stderr}`);

export class WranglerError extends Error {
	constructor(args: readonly string[], result: WranglerResult) {
		const tail = outputOf(result).trim().split("\n").slice(-8).join("\n");
		super(`wrangler ${args.join(" ")} failed (exit ${result.code}):\n${tail}`);
		this.name = "WranglerError";
	}
}

export async function mustRun(wrangler: Wrangler, args: readonly string[], options?: { input?: string }): Promise<WranglerResult> {
	const result = await wrangler(args, options);
	if (result.code !== 0) throw new WranglerError(args, result);
	return result;
}

// Starts the real local stack the way a user does (`wrangler dev` with local
// D1, Queues and Durable Objects), on a free port with its own fresh state
// directory, so e2e tests, the event generator and the bench never share or
// inherit state.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { queryD1 } from "./d1";
import { ensureDevVars } from "./dev-vars";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");
const WRANGLER = path.join(ROOT, "node_modules", ".bin", "wrangler");

export interface LocalStack {
	url: string;
	port: number;
	persistDir: string;
	// Where the stack's wrangler.toml is (D1 reads must use the same config).
	cwd: string;
	// The `wrangler dev` process: the root of the stack's process tree.
	pid: number | undefined;
	logs: () => string;
	// Runs SQL against the stack's local D1 and returns the rows.
	query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
	stop(): Promise<void>;
}

export interface StackOptions {
	// Extra `--var NAME:value` overrides for wrangler dev.
	vars?: Record<string, string>;
	// More wrangler dev arguments, e.g. ["--test-scheduled"] to serve
	// /__scheduled?cron=… (the cron trigger on demand).
	extraArgs?: string[];
	persistDir?: string;
	readyTimeoutMs?: number;
	// Directory holding wrangler.toml (default: the repo). The bench passes a
	// snapshot so that edits made during a run do not reload the Worker.
	cwd?: string;
	// Another config file in cwd instead of wrangler.toml (`--config`), e.g.
	// the bench's ack-path variant. Its D1 settings must match wrangler.toml's.
	config?: string;
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.unref();
		server.on("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
		});
	});
}

// One way to read D1 for tests, the event generator and the bench.
export function d1Query<T>(persistDir: string, sql: string): Promise<T[]> {
	return queryD1<T>({ persistDir }, sql);
}

// wrangler dev binds a few sockets of its own choosing besides --port; one
// can lose a race with another process on the machine ("Address already in
// use"). That start is retried once, on fresh ports.
export async function startLocalStack(options: StackOptions = {}): Promise<LocalStack> {
	try {
		return await startOnce(options);
	} catch (err) {
		if (!(err instanceof Error && /Address already in use/.test(err.message))) throw err;
		return startOnce(options);
	}
}

async function startOnce(options: StackOptions): Promise<LocalStack> {
	const persistDir = options.persistDir ?? mkdtempSync(path.join(tmpdir(), "webhook-stack-"));
	// No dev registry (an empty path disables it). In the machine-wide one,
	// wrangler dev sessions find each other by Worker name: a queue message
	// from one stack was delivered to another stack's consumer (e2e tests and
	// the bench running at once), and each send paid ~2.5 ms of CPU for it.
	const env = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", WRANGLER_REGISTRY_PATH: "" };
	const cwd = options.cwd ?? ROOT;
	ensureDevVars(cwd);
	const configArgs = options.config ? ["--config", options.config] : [];
	await run(WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir, ...configArgs], { cwd, env });

	const port = await freePort();
	const inspectorPort = await freePort();
	const varArgs = Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]);
	const child: ChildProcess = spawn(
		WRANGLER,
		[
			"dev",
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--inspector-port",
			String(inspectorPort),
			"--persist-to",
			persistDir,
			...configArgs,
			...varArgs,
			...(options.extraArgs ?? []),
		],
		{ cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true },
	);
	let output = "";
	child.stdout?.on("data", (d) => (output += d));
	child.stderr?.on("data", (d) => (output += d));

	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
	for (;;) {
		if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${output}`);
		try {
			const res = await fetch(`${url}/health`);
			if (res.ok) break;
		} catch {
			// not listening yet
		}
		if (Date.now() > deadline) {
			killTree(child);
			throw new Error(`wrangler dev not ready after ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 250));
	}

	return {
		url,
		port,
		persistDir,
		cwd,
		pid: child.pid,
		logs: () => output,
		query: (sql) => queryD1({ persistDir, configDir: cwd }, sql),
		async stop() {
			// Waits for the process to be gone (its sockets and the persisted
			// state released) before a restart on the same state can begin.
			await stopTree(child);
			if (!options.persistDir) rmSync(persistDir, { recursive: true, force: true });
		},
	};
}

async function stopTree(child: ChildProcess, graceMs = 5_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
	killTree(child);
	const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs))]);
	if (timedOut) {
		killTree(child, "SIGKILL");
		await exited;
	}
	// Its children (workerd) leave with the group; give the kernel a moment.
	await new Promise((r) => setTimeout(r, 200));
}

function killTree(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
	if (child.pid === undefined || child.exitCode !== null) return;
	try {
		process.kill(-child.pid, signal);
	} catch {
		child.kill(signal);
	}
}

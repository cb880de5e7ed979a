// CPU time of a process tree from /proc, for "CPU ms per request" of the
// whole local stack (wrangler's node processes and workerd): far steadier
// than requests per second on a shared machine.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface ProcStat {
	pid: number;
	ppid: number;
	// utime + stime, in clock ticks.
	ticks: number;
}

// One /proc/<pid>/stat line. The command name is in parentheses and may hold
// spaces or parentheses itself, so fields are counted after the last ")".
export function parseProcStat(line: string): ProcStat | null {
	const close = line.lastIndexOf(")");
	const pid = Number.parseInt(line, 10);
	if (close < 0 || !Number.isInteger(pid)) return null;
	// After ")": state(3) ppid(4) … utime(14) stime(15), so index = field − 3.
	const rest = line
		.slice(close + 2)
		.trim()
		.split(/\s+/);
	const ppid = Number(rest[1]);
	const utime = Number(rest[11]);
	const stime = Number(rest[12]);
	if (![ppid, utime, stime].every(Number.isFinite)) return null;
	return { pid, ppid, ticks: utime + stime };
}

// The root and everything it started, at any depth.
export function descendants(procs: readonly ProcStat[], root: number): ProcStat[] {
	const children = new Map<number, ProcStat[]>();
	for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
	const found: ProcStat[] = [];
	const queue = procs.filter((p) => p.pid === root);
	for (let p = queue.shift(); p; p = queue.shift()) {
		found.push(p);
		queue.push(...(children.get(p.pid) ?? []));
	}
	return found;
}

// CPU ticks spent between two samples of a tree: a process that appeared in
// between counts from zero; one that exited took its ticks with it.
export function ticksBetween(before: readonly ProcStat[], after: readonly ProcStat[]): number {
	const start = new Map(before.map((p) => [p.pid, p.ticks]));
	return after.reduce((sum, p) => sum + Math.max(0, p.ticks - (start.get(p.pid) ?? 0)), 0);
}

export function readProcs(): ProcStat[] {
	const procs: ProcStat[] = [];
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
			if (stat) procs.push(stat);
		} catch {
			// exited between the listing and the read
		}
	}
	return procs;
}

let clockTicks: number | undefined;

function ticksPerSecond(): number {
	if (clockTicks === undefined) {
		try {
			clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
		} catch {
			clockTicks = 100;
		}
	}
	return clockTicks;
}

export interface CpuMeter {
	// CPU ms the tree used since the meter started.
	stop(): number;
}

// null where /proc is not there (not Linux): the bench then reports no CPU.
export function cpuMeter(rootPid: number | undefined): CpuMeter | null {
	if (rootPid === undefined) return null;
	let before: ProcStat[];
	try {
		before = descendants(readProcs(), rootPid);
	} catch {
		return null;
	}
	return { stop: () => (ticksBetween(before, descendants(readProcs(), rootPid)) * 1000) / ticksPerSecond() };
}

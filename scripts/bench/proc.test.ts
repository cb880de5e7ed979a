import { describe, expect, it } from "vitest";
import { descendants, parseProcStat, ticksBetween } from "./proc";

const stat = (pid: number, comm: string, ppid: number, utime: number, stime: number) =>
	`${pid} (${comm}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 123 456 789`;

describe("/proc CPU accounting", () => {
	it("reads pid, parent and utime + stime, whatever the command name holds", () => {
		expect(parseProcStat(stat(42, "workerd", 7, 150, 30))).toEqual({ pid: 42, ppid: 7, ticks: 180 });
		expect(parseProcStat(stat(43, "a (b) c", 7, 1, 2))).toEqual({ pid: 43, ppid: 7, ticks: 3 });
		expect(parseProcStat("garbage")).toBeNull();
	});

	it("finds a process tree at any depth, and nothing for an unknown root", () => {
		const procs = [
			{ pid: 1, ppid: 0, ticks: 0 },
			{ pid: 10, ppid: 1, ticks: 5 },
			{ pid: 11, ppid: 10, ticks: 7 },
			{ pid: 12, ppid: 11, ticks: 9 },
			{ pid: 20, ppid: 1, ticks: 100 },
		];
		expect(descendants(procs, 10).map((p) => p.pid)).toEqual([10, 11, 12]);
		expect(descendants(procs, 99)).toEqual([]);
	});

	it("sums ticks between samples, counting a new process from zero", () => {
		const before = [
			{ pid: 10, ppid: 1, ticks: 100 },
			{ pid: 11, ppid: 10, ticks: 50 },
			{ pid: 13, ppid: 10, ticks: 5 },
		];
		const after = [
			{ pid: 10, ppid: 1, ticks: 130 },
			{ pid: 11, ppid: 10, ticks: 90 },
			{ pid: 12, ppid: 10, ticks: 4 },
		];
		expect(ticksBetween(before, after)).toBe(30 + 40 + 4);
	});
});

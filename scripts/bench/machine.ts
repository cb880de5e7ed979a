// What the numbers were measured on: they only mean something next to this.
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { round2 } from "../events/stats";

export interface Machine {
	date: string;
	nproc: number;
	cpuModel: string;
	memoryGiB: number;
	os: string;
	node: string;
	wrangler: string;
	loadAverage: number[];
}

export function describeMachine(now = new Date()): Machine {
	const cpus = os.cpus();
	return {
		date: now.toISOString(),
		nproc: os.availableParallelism(),
		cpuModel: cpus[0]?.model.trim() ?? "unknown",
		memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		wrangler: wranglerVersion(),
		loadAverage: os.loadavg().map(round2),
	};
}

function wranglerVersion(): string {
	try {
		const bin = path.resolve(import.meta.dirname, "../../node_modules/.bin/wrangler");
		return (
			execFileSync(bin, ["--version"], { encoding: "utf8", env: { ...process.env, CI: "true" }, timeout: 30_000 })
				.trim()
				.split("\n")
				.at(-1) ?? "unknown"
		);
	} catch {
		return "unknown";
	}
}

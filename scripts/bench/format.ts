import { execFileSync } from "node:child_process";
import path from "node:path";

// Generated markdown formatted as `npm run lint` wants (biome pads tables),
// so a bench run never leaves the tree failing lint. Paths biome ignores
// (bench/quick/) are left as written.
export function formatGenerated(files: string[]): void {
	execFileSync(
		path.resolve(import.meta.dirname, "../../node_modules/.bin/biome"),
		["format", "--write", "--no-errors-on-unmatched", ...files],
		{ stdio: "ignore" },
	);
}

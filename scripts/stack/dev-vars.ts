// Local secrets for `wrangler dev` and the tests live in .dev.vars, which is
// gitignored; the committed .dev.vars.example holds the dev-only values. A
// fresh clone gets .dev.vars from the example, so `npm install && npm run dev`
// (and `npm test`) still work with no set-up step. An existing .dev.vars is
// never overwritten: it may hold the developer's own values.
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";

// An existing .dev.vars keeps every value it has; variables the example
// gained since it was made (a new provider's dev secret) are appended.
export function ensureDevVars(dir = path.resolve(import.meta.dirname, "../..")): boolean {
	const target = path.join(dir, ".dev.vars");
	const example = path.join(dir, ".dev.vars.example");
	if (!existsSync(target)) {
		copyFileSync(example, target);
		return true;
	}
	const names = (text: string) => new Set([...text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)].map((m) => m[1]));
	const have = names(readFileSync(target, "utf8"));
	const missing = readFileSync(example, "utf8")
		.split(/\r?\n/)
		.filter((line) => {
			const name = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
			return name !== undefined && !have.has(name);
		});
	if (missing.length === 0) return false;
	appendFileSync(target, `\n# Added from .dev.vars.example\n${missing.join("\n")}\n`);
	return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	if (ensureDevVars()) console.log("Created .dev.vars from .dev.vars.example (dev-only secrets)");
}

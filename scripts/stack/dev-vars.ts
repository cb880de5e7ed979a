// Local secrets for `wrangler dev` and the tests live in .dev.vars, which is
// gitignored; the committed .dev.vars.example holds the dev-only values. A
// fresh clone gets .dev.vars from the example, so `npm install && npm run dev`
// (and `npm test`) still work with no set-up step. An existing .dev.vars is
// never overwritten: it may hold the developer's own values.
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";

export function ensureDevVars(dir = path.resolve(import.meta.dirname, "../..")): boolean {
	const target = path.join(dir, ".dev.vars");
	if (existsSync(target)) return false;
	copyFileSync(path.join(dir, ".dev.vars.example"), target);
	return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	if (ensureDevVars()) console.log("Created .dev.vars from .dev.vars.example (dev-only secrets)");
}

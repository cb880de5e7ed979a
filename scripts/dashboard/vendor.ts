// Copies the dashboard's charting library (uPlot, MIT) from node_modules into
// public/dashboard/vendor/, so the page loads nothing from a CDN. The copies
// are committed; vendor.test.ts fails when they drift from the installed
// version. Run after upgrading uplot:  npm run dashboard:vendor
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FROM = path.join(ROOT, "node_modules", "uplot");
export const VENDOR_DIR = path.join(ROOT, "public", "dashboard", "vendor");

// [file in the package, file served to the browser]
export const VENDORED = [
	["dist/uPlot.iife.min.js", "uPlot.iife.min.js"],
	["dist/uPlot.min.css", "uPlot.min.css"],
	["LICENSE", "uPlot.LICENSE.txt"],
] as const;

export const sourceOf = (file: string) => path.join(FROM, file);

export function installedVersion(): string {
	return (JSON.parse(readFileSync(path.join(FROM, "package.json"), "utf8")) as { version: string }).version;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	mkdirSync(VENDOR_DIR, { recursive: true });
	for (const [from, to] of VENDORED) copyFileSync(sourceOf(from), path.join(VENDOR_DIR, to));
	console.log(`uPlot ${installedVersion()} → ${path.relative(ROOT, VENDOR_DIR)}/`);
}

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./metric-names";

// src/destinations and src/alerts are pure cores that other src/ folders will
// wire up; they must not reach back into them (those folders move), and
// alerts may use destinations only through its signing module. Both take zod
// as src/zod/mini.ts sets it up (zod/mini with English messages).

const SRC = path.join(REPO_ROOT, "src");

function imports(folder: string): { file: string; specifier: string }[] {
	const dir = path.join(SRC, folder);
	return readdirSync(dir)
		.filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
		.flatMap((file) =>
			[...readFileSync(path.join(dir, file), "utf8").matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"/gm)].map((m) => ({
				file: `${folder}/${file}`,
				specifier: m[1] as string,
			})),
		);
}

// Where a relative specifier lands, as a path under src/ ("destinations/signing").
const target = (file: string, specifier: string) =>
	path
		.relative(SRC, path.join(SRC, path.dirname(file), specifier))
		.split(path.sep)
		.join("/");

// zod, the only outside dependency, as both cores import it.
const ZOD = "zod/mini";

const sourceOf = (folder: string) =>
	readdirSync(path.join(SRC, folder))
		.filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
		.map((f) => [`${folder}/${f}`, readFileSync(path.join(SRC, folder, f), "utf8")] as const);

describe("module boundaries of src/destinations and src/alerts", () => {
	it("destinations imports only zod and its own modules", () => {
		const found = imports("destinations");
		expect(found.length).toBeGreaterThan(0);
		for (const { file, specifier } of found) {
			expect(specifier.startsWith("."), `${file} → ${specifier}: zod only through src/zod`).toBe(true);
			const to = target(file, specifier);
			expect(to === ZOD || to.startsWith("destinations/"), `${file} → ${specifier}`).toBe(true);
		}
	});

	it("alerts imports only zod, its own modules and destinations/signing", () => {
		const found = imports("alerts");
		expect(found.map((i) => target(i.file, i.specifier))).toContain("destinations/signing");
		for (const { file, specifier } of found) {
			expect(specifier.startsWith("."), `${file} → ${specifier}: zod only through src/zod`).toBe(true);
			const to = target(file, specifier);
			expect(
				to === ZOD || (["alerts/", "destinations/signing"].some((p) => to.startsWith(p)) && !to.startsWith("destinations/signing/")),
				`${file} → ${specifier}`,
			).toBe(true);
		}
	});

	it("signing imports nothing, so alerts depends on no more of destinations than it", () => {
		expect(imports("destinations").filter((i) => i.file === "destinations/signing.ts")).toEqual([]);
	});

	it("reads no clock, randomness or bindings itself", () => {
		for (const [file, text] of [...sourceOf("destinations"), ...sourceOf("alerts")]) {
			const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
			expect(code, file).not.toMatch(/Date\.now\(|Math\.random\(|new Date\(\)|getRandomValues|\benv\.|performance\.now/);
		}
	});
});

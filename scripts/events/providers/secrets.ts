// The signing secrets the providers scenario signs with, one per preset: the
// first secret var of each default source (STRIPE_WEBHOOK_SECRET, …), read
// from the environment, else the local .dev.vars (what `wrangler dev`
// verifies with), else the dev values in .dev.vars.example.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { DEFAULT_SOURCES } from "../../../src/sources/config";
import type { ProviderKind } from "./sign";

const ROOT = path.resolve(import.meta.dirname, "../../..");

export type ProviderSecrets = Readonly<Record<ProviderKind, string>>;

// kind → the Worker secret its default source verifies with.
export const SECRET_VARS = Object.fromEntries(DEFAULT_SOURCES.map((s) => [s.kind, s.secretVars[0]])) as Readonly<
	Record<ProviderKind, string>
>;

// The KEY=value lines of a .dev.vars file (dotenv syntax as wrangler reads
// it): comments, blank lines and `export ` are skipped, one pair of matching
// quotes is removed, and an unquoted value ends at " #".
export function parseDevVars(text: string): Record<string, string> {
	const vars: Record<string, string> = {};
	for (const line of text.split(/\r?\n/)) {
		const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
		if (!match) continue;
		const [, name = "", raw = ""] = match;
		const quoted = /^(["'])(.*)\1$/.exec(raw);
		vars[name] = quoted ? (quoted[2] ?? "") : raw.replace(/\s+#.*$/, "");
	}
	return vars;
}

// Layers, lowest precedence first; the first kind with no value anywhere
// is an error naming the variable to set.
export function resolveProviderSecrets(layers: readonly Readonly<Record<string, string | undefined>>[]): ProviderSecrets {
	const secrets: Partial<Record<ProviderKind, string>> = {};
	for (const [kind, name] of Object.entries(SECRET_VARS) as [ProviderKind, string][]) {
		const value = layers.reduce<string | undefined>((found, layer) => (layer[name]?.trim() ? layer[name]?.trim() : found), undefined);
		if (value === undefined) throw new Error(`no ${name} to sign ${kind} deliveries with: set it in the environment or in .dev.vars`);
		secrets[kind] = value;
	}
	return secrets as ProviderSecrets;
}

const readVars = (file: string) => (existsSync(file) ? parseDevVars(readFileSync(file, "utf8")) : {});

export interface SecretSources {
	// The .dev.vars to read (default: <configDir>/.dev.vars).
	devVars?: string;
	// Where the Worker's wrangler.toml and .dev.vars are (default: this repo).
	configDir?: string;
	env?: Readonly<Record<string, string | undefined>>;
}

export function loadProviderSecrets(from: SecretSources = {}): ProviderSecrets {
	const devVars = from.devVars ?? path.join(from.configDir ?? ROOT, ".dev.vars");
	return resolveProviderSecrets([readVars(path.join(ROOT, ".dev.vars.example")), readVars(devVars), from.env ?? process.env]);
}

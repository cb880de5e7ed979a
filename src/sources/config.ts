/**
 * Sources: the senders this Worker accepts webhooks from. Every named preset
 * is served at /webhook/<preset> once its secret var is set (DEFAULT_SOURCES);
 * SOURCES is for renaming, second accounts, mapping overrides, rate limits
 * and hmac sources. Each source names
 * a preset (how its sender signs and identifies events, see presets/index.ts)
 * and the Worker secrets holding its signing secret.
 *
 * ADDING A SOURCE: copy a block of DEFAULT_SOURCES (or of the SOURCES list
 * wherever it is declared), then change
 *   - name: what appears in the URL and in stored events (a-z 0-9 _ . -, up
 *     to 64; unique; "direct" is reserved for events posted in our own format)
 *   - kind: one of the presets (presets/index.ts: stripe, github, paddle,
 *     clerk, twilio, …), or hmac with an `hmac` block describing the scheme
 *     (hmac.ts)
 *   - secretVars: the Worker secret(s) to read, e.g.
 *       ["ACME_WEBHOOK_SECRET", "ACME_WEBHOOK_SECRET_PREVIOUS"]
 *     Every var that is set is tried (any may match). Rotating: copy the
 *     current secret into *_PREVIOUS, put the new one in the main var, switch
 *     the sender to it, then delete *_PREVIOUS. Set them with
 *     `wrangler secret put NAME` (.dev.vars locally).
 * and optionally
 *   - toleranceSeconds: replay window for schemes that sign a timestamp
 *   - mapping: per provider type, a rule (adds or replaces the preset's) or
 *     null (drops the preset's rule: that type becomes unhandled); see mapping-rules.ts
 *   - rateLimit: { binding }: the Workers Rate Limiting binding (a
 *     [[ratelimits]] block in wrangler.toml, where the limit and period live)
 *     that counts this source's requests; SOURCE_RATE_LIMIT by default
 *   - unsigned: true skips signature checks. Dev only: the caller must honour
 *     it only when the Worker itself allows unsigned traffic.
 *
 * Two sources may share a kind (say, two Stripe accounts with their own
 * secrets); they then need different names and secretVars.
 */

import * as z from "../zod/mini";
import { type HmacConfig, hmacConfigSchema, hmacPresetFor } from "./hmac";
import { type MappingTable, mappingOverridesSchema, mergeMappings } from "./mapping-rules";
import { getPreset, PRESET_INFO, PRESET_KINDS } from "./presets";
import type { Preset, VerifyOptions } from "./types";

// Every named preset, plus `hmac`: a scheme the source describes itself.
export const SOURCE_KINDS = [...PRESET_KINDS, "hmac"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

// The same rule the ingest envelope applies to a message's source.
export const SOURCE_NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
// "direct" labels our own envelope; /webhook/events and /webhook/batch are
// its routes, so those names cannot be sources either.
export const RESERVED_SOURCE_NAMES: readonly string[] = ["direct", "events", "batch"];

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return value !== null && typeof value === "object" && !Array.isArray(value);
}

const secretVarSchema = z
	.string()
	.check(z.maxLength(128), z.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be a Worker secret name (letters, digits and _)"));

export const sourceSchema = z
	.strictObject({
		name: z
			.string()
			.check(
				z.regex(SOURCE_NAME_PATTERN, "must be 1-64 of a-z 0-9 _ . - starting with a letter or digit"),
				z.describe("Source name: appears in the webhook URL and beside every stored event."),
			),
		kind: z
			.enum(SOURCE_KINDS)
			.check(z.describe("Which provider preset verifies and identifies this source's deliveries (hmac: the source's own hmac settings).")),
		hmac: z.optional(hmacConfigSchema).check(z.describe("kind hmac only: the provider's HMAC recipe")),
		secretVars: z
			.array(secretVarSchema)
			.check(z.maxLength(2), z.describe("Worker secrets holding the signing secret; a second one allows rotation. Any set one may match.")),
		toleranceSeconds: z
			.optional(z.int().check(z.positive(), z.lte(86_400)))
			.check(z.describe("Largest accepted |now − signed timestamp|; only for kinds that sign a timestamp.")),
		unsigned: z.optional(z.boolean()).check(z.describe("Skip signature checks. Development only.")),
		mapping: z
			.optional(mappingOverridesSchema)
			.check(z.describe("Provider type → mapping rule (adds or replaces the preset's), or null to drop the preset's rule.")),
		rateLimit: z.optional(
			z.strictObject({
				binding: z
					.string()
					.check(
						z.regex(/^[A-Z][A-Z0-9_]*$/, "must be a rate limiting binding name (A-Z, 0-9, _)"),
						z.describe("A [[ratelimits]] binding in wrangler.toml; its simple.limit per simple.period applies to this source"),
					),
			}),
		),
	})
	// Runs even when other fields failed (when:), so one pass reports every
	// problem; hence the defensive reads of a possibly invalid source.
	.check(
		z.superRefine(
			(source, ctx) => {
				const raw = source as Partial<Record<keyof typeof source, unknown>>;
				if (typeof raw.name === "string" && RESERVED_SOURCE_NAMES.includes(raw.name)) {
					ctx.addIssue({ code: "custom", path: ["name"], message: `"${raw.name}" is reserved` });
				}
				if (Array.isArray(raw.secretVars)) {
					if (raw.secretVars.length === 0 && raw.unsigned !== true) {
						ctx.addIssue({ code: "custom", path: ["secretVars"], message: "needs 1 or 2 secret names (or unsigned: true)" });
					}
					if (new Set(raw.secretVars).size !== raw.secretVars.length) {
						ctx.addIssue({ code: "custom", path: ["secretVars"], message: "names the same secret twice" });
					}
				}
				if (raw.kind === "hmac" && raw.hmac === undefined) {
					ctx.addIssue({
						code: "custom",
						path: ["hmac"],
						message: "kind hmac needs its hmac settings (algorithm, encoding, signatureHeader, signedContent, type)",
					});
				}
				if (raw.kind !== "hmac" && raw.hmac !== undefined) {
					ctx.addIssue({ code: "custom", path: ["hmac"], message: "only kind hmac takes hmac settings; a named preset knows its scheme" });
				}
				if (
					raw.kind === "hmac" &&
					isPlainObject(raw.hmac) &&
					raw.toleranceSeconds !== undefined &&
					raw.hmac.timestampHeader === undefined
				) {
					ctx.addIssue({
						code: "custom",
						path: ["toleranceSeconds"],
						message: "this hmac scheme signs no timestamp, so there is no tolerance to set",
					});
				}
				const preset = typeof raw.kind === "string" ? getPreset(raw.kind) : undefined;
				if (raw.toleranceSeconds !== undefined && preset && preset.defaultToleranceSeconds === null) {
					ctx.addIssue({
						code: "custom",
						path: ["toleranceSeconds"],
						message: `${preset.kind} deliveries sign no timestamp, so there is no tolerance to set`,
					});
				}
			},
			{ when: (payload) => isPlainObject(payload.value) },
		),
	);

export type Source = z.infer<typeof sourceSchema>;

export const sourcesSchema = z.array(sourceSchema).check(
	z.superRefine(
		(sources, ctx) => {
			const seen = new Map<string, number>();
			(sources as unknown[]).forEach((source, index) => {
				const name = isPlainObject(source) ? source.name : undefined;
				if (typeof name !== "string") return;
				const first = seen.get(name);
				if (first === undefined) seen.set(name, index);
				else ctx.addIssue({ code: "custom", path: [index, "name"], message: `duplicates the name of [${first}]` });
			});
		},
		{ when: (payload) => Array.isArray(payload.value) },
	),
);

export interface SourceConfigIssue {
	// "[1].kind", "[0].mapping.invoice.paid.fields", or "(root)".
	field: string;
	message: string;
}

// Thrown by parseSources with every bad field at once.
export class SourceConfigError extends Error {
	override name = "SourceConfigError";
	constructor(readonly issues: readonly SourceConfigIssue[]) {
		super(`Invalid sources config:\n${issues.map((i) => `  - ${i.field}: ${i.message}`).join("\n")}`);
	}
}

function issueField(path: readonly PropertyKey[]): string {
	if (path.length === 0) return "(root)";
	const [head, ...rest] = path;
	const start = typeof head === "number" ? `[${head}]` : String(head);
	return rest.length ? `${start}.${rest.map(String).join(".")}` : start;
}

// Validates a sources list: the array itself, or its JSON text (a SOURCES
// var). Throws SourceConfigError listing every bad field; duplicate names and
// the reserved name "direct" are errors too.
export function parseSources(input: unknown): Source[] {
	let value = input;
	if (typeof input === "string") {
		try {
			value = JSON.parse(input);
		} catch (error) {
			throw new SourceConfigError([{ field: "(root)", message: `is not valid JSON (${(error as Error).message})` }]);
		}
	}
	const result = sourcesSchema.safeParse(value);
	if (result.success) return result.data;
	throw new SourceConfigError(result.error.issues.map((issue) => ({ field: issueField(issue.path), message: issue.message })));
}

// JSON Schema (draft 2020-12) of the sources list, for editors. Cross-field
// rules (unique names, reserved names, tolerance only where signed, required
// canonical fields) are checked by parseSources only.
export function sourcesJsonSchema(): Record<string, unknown> {
	return z.toJSONSchema(sourcesSchema, { unrepresentable: "any" }) as Record<string, unknown>;
}

// One source per named preset, named after it, reading the preset's secret
// var (PRESET_INFO) and its *_PREVIOUS twin (optional: unset, it is simply
// not tried). These are served whether or not SOURCES lists them.
export const DEFAULT_SOURCES: readonly Source[] = PRESET_KINDS.map((kind) => {
	const secret = PRESET_INFO[kind].secretVar;
	return { name: kind, kind, secretVars: [secret, `${secret}_PREVIOUS`] };
});

// SOURCES, then every preset's default source that SOURCES does not
// already cover: a default is left out when a declared source takes its
// name, or reads its secret (the preset renamed, say stripe → billing), so
// one secret never answers under two names.
export function withPresetDefaults(declared: readonly Source[]): Source[] {
	const names = new Set(declared.map((s) => s.name));
	const secrets = new Set(declared.flatMap((s) => s.secretVars));
	return [...declared, ...DEFAULT_SOURCES.filter((d) => !names.has(d.name) && !secrets.has(d.secretVars[0] ?? ""))];
}

// ---- small pure helpers for the caller -------------------------------------

export function findSource(sources: readonly Source[], name: string): Source | undefined {
	return sources.find((s) => s.name === name);
}

// Built once per (parsed, hence long-lived) source object.
const hmacPresets = new WeakMap<Source, Preset>();

export function presetOf(source: Source): Preset {
	if (source.kind !== "hmac") return getPreset(source.kind);
	let preset = hmacPresets.get(source);
	if (!preset) {
		// The schema guarantees hmac settings on an hmac source.
		preset = hmacPresetFor(source.hmac as HmacConfig);
		hmacPresets.set(source, preset);
	}
	return preset;
}

// The settings link and provider name of a source's preset (none for hmac).
export function presetInfoOf(source: Source): { provider: string; settingsUrl: string } | null {
	return source.kind === "hmac" ? null : PRESET_INFO[source.kind];
}

// The secrets to try, in declared order: the values of secretVars that are
// set to a non-empty string in vars (the Worker's env), trimmed of the
// stray newline `echo … | wrangler secret put` leaves. Empty means the
// source is not configured (refuse with 5xx unless unsigned is allowed).
export function resolveSecrets(source: Source, vars: Readonly<Record<string, unknown>>): string[] {
	const secrets: string[] = [];
	for (const name of source.secretVars) {
		const value = vars[name];
		if (typeof value === "string" && value.trim() !== "") secrets.push(value.trim());
	}
	return secrets;
}

export function verifyOptionsFor(source: Source, nowMs: number): VerifyOptions {
	return {
		toleranceSeconds: source.toleranceSeconds ?? presetOf(source).defaultToleranceSeconds ?? 0,
		nowSeconds: Math.floor(nowMs / 1000),
	};
}

// The preset's mappings with the source's own rules applied.
export function mappingsFor(source: Source): MappingTable {
	return mergeMappings(presetOf(source).mappings, source.mapping);
}

// The sources the Worker serves: the SOURCES var (wrangler.toml, an array or
// its JSON text), plus one default source per preset it does not cover
// (withPresetDefaults). Parsed once
// per isolate and value; an invalid list throws SourceConfigError naming
// every bad field, so a misconfiguration is loud, never half-applied.
// The env's SOURCES object is the same object on every request of an
// isolate, so it is looked up by identity: no serialisation on the hot path.
// Text (or another object with the same content) falls back to its JSON.
const parsedByObject = new WeakMap<object, Source[]>();
const parsedByText = new Map<string, Source[]>();

const ALL_DEFAULTS = withPresetDefaults([]);

export function configuredSources(raw: unknown): readonly Source[] {
	if (raw === undefined || raw === null || raw === "") return ALL_DEFAULTS;
	if (typeof raw === "object") {
		const known = parsedByObject.get(raw);
		if (known) return known;
	}
	const key = typeof raw === "string" ? raw : JSON.stringify(raw);
	let sources = parsedByText.get(key);
	if (!sources) {
		sources = withPresetDefaults(parseSources(raw));
		parsedByText.set(key, sources);
	}
	if (typeof raw === "object") parsedByObject.set(raw, sources);
	return sources;
}

// The rate limiting binding that counts a source's requests.
export const DEFAULT_RATE_LIMIT_BINDING = "SOURCE_RATE_LIMIT";
export const rateLimitBindingOf = (source: Source): string => source.rateLimit?.binding ?? DEFAULT_RATE_LIMIT_BINDING;

/**
 * Provider presets: how each kind of sender signs its deliveries, how to tell
 * its events apart, and which of its events map onto our canonical types.
 *
 * A preset is pure: verify(req, secrets, opts) checks the signature over the
 * raw body with Web Crypto (constant-time compares, any of 1–2 secrets for
 * rotation, the clock passed in as opts.nowSeconds); identify(req, json) says
 * which event this is, or returns a Control answer (Slack's challenge,
 * GitHub's ping) or an IdentifyFailure naming the missing header/field.
 *
 * Order for a caller: verify → (if ok) parse the body as JSON → identify →
 * for an event, mapEvent(…, mergeMappings(preset.mappings, source.mapping)).
 *
 * ADDING A PRESET (a new kind of sender):
 *  1. Write presets/<kind>.ts exporting a `Preset<"<kind>">` (copy the
 *     closest existing one: stripe.ts for "timestamp + HMAC in one header",
 *     github.ts for "HMAC of the body only", standard.ts for a base64 key).
 *     Put the provider's exact recipe in its top comment.
 *  2. Write presets/<kind>.test.ts beside it. Vectors come from the
 *     provider's own signing library when npm has one (a devDependency, run
 *     inside workerd), else from the provider's published documentation
 *     example, else node:crypto's createHmac on the test side. Never produce
 *     both sides of a scheme with our own code. Cover: a signed delivery
 *     verifies; tampered body, wrong secret, stale timestamp (if signed) and
 *     missing headers are each refused with the right reason; a second
 *     (rotated) secret matches; identify() extracts id/type/occurredAt.
 *  3. Add it to PRESETS below; PresetKind and the config schema follow.
 */

import type { Preset } from "../types";
import { github } from "./github";
import { shopify } from "./shopify";
import { slack } from "./slack";
import { standard } from "./standard";
import { stripe } from "./stripe";

export const PRESETS = {
	stripe,
	github,
	shopify,
	slack,
	standard,
} as const satisfies { [K in string]: Preset<K> };

export type PresetKind = keyof typeof PRESETS;

export const PRESET_KINDS = Object.keys(PRESETS) as [PresetKind, ...PresetKind[]];

export function getPreset(kind: PresetKind): Preset<PresetKind>;
export function getPreset(kind: string): Preset | undefined;
export function getPreset(kind: string): Preset | undefined {
	return Object.hasOwn(PRESETS, kind) ? PRESETS[kind as PresetKind] : undefined;
}

// The JSON body, or undefined when it is not JSON (identify() then names the
// field it could not read). Bodies are UTF-8; a leading BOM is skipped for
// the parse (TextDecoder drops it by default).
export function parseJsonBody(body: Uint8Array): unknown {
	try {
		return JSON.parse(new TextDecoder().decode(body));
	} catch {
		return undefined;
	}
}

export { SecretFormatError } from "./shared";

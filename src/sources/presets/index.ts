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
 *  2. Vectors: teach scripts/events/providers/sign.ts to sign as the
 *     provider does, with the provider's own library when npm has one that
 *     signs (a devDependency), and check sign.ts against the provider's own
 *     verifier in scripts/events/providers/libraries.test.ts (Node) when it
 *     has only a verifier. Never produce both sides of a scheme with our
 *     own code. test/sources/preset-vectors.test.ts then runs every preset
 *     against sign.ts with a fixed clock (signed, one authenticated byte
 *     changed, another secret and the rotated pair, signature missing, just
 *     past and inside the tolerance), and test/sources/presets.test.ts
 *     through the route (202, 401, duplicate, archived); add the kind's
 *     sample body to test/support/providers.ts. Scheme details beyond that
 *     (handshakes, URL signing) get a test beside the module.
 *  3. Add it to PRESETS below and to PRESET_INFO (catalog.ts: its secret
 *     var and settings page); PresetKind, the config schema, the default
 *     route /webhook/<kind> and GET /api/sources follow.
 *
 * Most schemes are an HMAC over some content (scheme.ts): state the recipe
 * as an HmacScheme and use hmacPreset() (workos.ts, zoom.ts), as the
 * configurable `hmac` kind does (hmac.ts).
 */

import type { Preset } from "../types";
import { bitbucket } from "./bitbucket";
import { calendly } from "./calendly";
import { chargebee } from "./chargebee";
import { clerk } from "./clerk";
import { discord } from "./discord";
import { github } from "./github";
import { gitlab } from "./gitlab";
import { hubspot } from "./hubspot";
import { intercom } from "./intercom";
import { lemonsqueezy } from "./lemonsqueezy";
import { linear } from "./linear";
import { mailgun } from "./mailgun";
import { openai } from "./openai";
import { paddle } from "./paddle";
import { paystack } from "./paystack";
import { polar } from "./polar";
import { postmark } from "./postmark";
import { razorpay } from "./razorpay";
import { recurly } from "./recurly";
import { resend } from "./resend";
import { segment } from "./segment";
import { sendgrid } from "./sendgrid";
import { shopify } from "./shopify";
import { slack } from "./slack";
import { square } from "./square";
import { standard } from "./standard";
import { stripe } from "./stripe";
import { supabase } from "./supabase";
import { twilio } from "./twilio";
import { twitch } from "./twitch";
import { typeform } from "./typeform";
import { vercel } from "./vercel";
import { workos } from "./workos";
import { zoom } from "./zoom";

export const PRESETS = {
	stripe,
	github,
	shopify,
	slack,
	standard,
	clerk,
	resend,
	openai,
	polar,
	supabase,
	workos,
	paddle,
	lemonsqueezy,
	chargebee,
	postmark,
	recurly,
	razorpay,
	paystack,
	square,
	twilio,
	sendgrid,
	mailgun,
	discord,
	linear,
	intercom,
	vercel,
	segment,
	hubspot,
	zoom,
	typeform,
	calendly,
	gitlab,
	bitbucket,
	twitch,
} as const satisfies { [K in string]: Preset<K> };

export type PresetKind = keyof typeof PRESETS;

export const PRESET_KINDS = Object.keys(PRESETS) as [PresetKind, ...PresetKind[]];

export function getPreset(kind: PresetKind): Preset<PresetKind>;
export function getPreset(kind: string): Preset | undefined;
export function getPreset(kind: string): Preset | undefined {
	return Object.hasOwn(PRESETS, kind) ? PRESETS[kind as PresetKind] : undefined;
}

export { PRESET_INFO, type PresetInfo } from "./catalog";
export { FORM_CONTENT_TYPE, parseDeliveryBody, parseFormBody, parseJsonBody, SecretFormatError } from "./shared";

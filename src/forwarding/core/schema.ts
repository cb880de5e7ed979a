import * as z from "../../zod/mini";

// What an operator sends to create or change a destination: where matching
// events are forwarded, how, and which ones. Types are inferred from these
// schemas; nothing here is written twice.

export const DEFAULT_MAX_ATTEMPTS = 8;
// 20 attempts on the default schedule (retry.ts) span about 3.5 days, inside
// Queues' 4-day message retention.
export const MAX_ATTEMPTS_LIMIT = 20;

// Loopback hosts that may be reached over plain http (local development).
// The URL parser has already normalised the host: `127.1`, `0x7f.0.0.1` and
// `[0:0::1]` arrive here as `127.0.0.1` and `[::1]`.
export function isLoopbackHost(hostname: string): boolean {
	return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export const destinationUrlSchema = z.pipe(
	z.string().check(z.trim(), z.maxLength(2048)),
	z.transform((value: string, ctx) => {
		let url: URL;
		try {
			url = new URL(value);
		} catch {
			z.addIssue(ctx, { message: "must be an absolute URL" });
			return z.NEVER;
		}
		if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
			z.addIssue(ctx, { message: "must be https (http only on 127.0.0.0/8, localhost or [::1])" });
			return z.NEVER;
		}
		// Credentials in a URL end up in logs; they belong in `auth`.
		if (url.username || url.password) {
			z.addIssue(ctx, { message: "must not carry credentials; use auth" });
			return z.NEVER;
		}
		return url.href;
	}),
);

// Event types are matched case-sensitively; `*` matches any run of characters.
export const eventTypePatternSchema = z
	.string()
	.check(z.minLength(1), z.maxLength(100), z.regex(/^[A-Za-z0-9_.:*-]+$/, "letters, digits, '_', '.', ':', '-' and '*' wildcards"));

// Source names as ingest accepts them ([a-z0-9][a-z0-9_.-]{0,63}), plus `*`.
export const sourcePatternSchema = z
	.string()
	.check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z0-9_.*-]+$/, "a-z, 0-9, '_', '.', '-' and '*' wildcards"));

// Header names an operator may not set: hop-by-hop headers (RFC 9110 §7.6.1),
// the Fetch standard's forbidden request headers, and the ones the forwarder
// itself owns (body framing, content type, the Standard Webhooks headers,
// Cloudflare's cf-*).
const FORBIDDEN_HEADERS = new Set([
	"accept-charset",
	"accept-encoding",
	"access-control-request-headers",
	"access-control-request-method",
	"connection",
	"content-encoding",
	"content-length",
	"content-type",
	"cookie",
	"cookie2",
	"date",
	"dnt",
	"expect",
	"host",
	"keep-alive",
	"origin",
	"referer",
	"set-cookie",
	"te",
	"trailer",
	"transfer-encoding",
	"upgrade",
	"user-agent",
	"via",
]);
const FORBIDDEN_HEADER_PREFIXES = ["proxy-", "sec-", "webhook-", "cf-", "x-forwarded-"];

export function isForbiddenHeaderName(name: string): boolean {
	const lower = name.toLowerCase();
	return FORBIDDEN_HEADERS.has(lower) || FORBIDDEN_HEADER_PREFIXES.some((p) => lower.startsWith(p));
}

// RFC 9110 token.
const headerNameSchema = z.string().check(
	z.minLength(1),
	z.maxLength(256),
	z.regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name"),
	z.refine((n: string) => !isForbiddenHeaderName(n), "this header is set by the forwarder or the network and cannot be overridden"),
);

// Visible ASCII, space and tab, not starting or ending with whitespace: no
// CR/LF (header injection), nothing a runtime would reject at send time.
const headerValueSchema = z
	.string()
	.check(
		z.minLength(1),
		z.maxLength(4096),
		z.regex(/^[\x21-\x7e]([\x20-\x7e\t]*[\x21-\x7e])?$/, "visible ASCII, no leading or trailing whitespace"),
	);

export const outboundAuthSchema = z.discriminatedUnion("type", [
	z.strictObject({ type: z.literal("none") }),
	z.strictObject({
		type: z.literal("bearer"),
		token: z.string().check(z.minLength(1), z.maxLength(4096), z.regex(/^[\x21-\x7e]+$/, "visible ASCII, no spaces")),
	}),
	z.strictObject({ type: z.literal("header"), name: headerNameSchema, value: headerValueSchema }),
]);

// "event": the canonical event; "dashboard": {event_timestamp, metric_name,
// metric_value, dimensions}; "raw": the sender's own body and content type,
// byte for byte (payload.ts).
export const payloadFormatSchema = z.enum(["event", "dashboard", "raw"]);

const fields = {
	name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
	url: destinationUrlSchema,
	event_types: z.array(eventTypePatternSchema).check(z.minLength(1), z.maxLength(50)),
	sources: z.array(sourcePatternSchema).check(z.minLength(1), z.maxLength(50)),
	auth: outboundAuthSchema,
	format: payloadFormatSchema,
	enabled: z.boolean(),
	max_attempts: z.int().check(z.gte(1), z.lte(MAX_ATTEMPTS_LIMIT)),
};

// Create: name, url and event_types are required; every source, no auth, the
// canonical event format, enabled and 8 attempts by default.
export const destinationCreateSchema = z.strictObject({
	...fields,
	sources: z._default(fields.sources, ["*"]),
	auth: z._default(fields.auth, { type: "none" }),
	format: z._default(fields.format, "event"),
	enabled: z._default(fields.enabled, true),
	max_attempts: z._default(fields.max_attempts, DEFAULT_MAX_ATTEMPTS),
});

// Patch: any subset of the same fields, at least one; no defaults, so an
// absent field is left as it is. `auth` is replaced as a whole.
export const destinationPatchSchema = z
	.partial(z.strictObject(fields))
	.check(z.refine((p) => Object.values(p).some((v) => v !== undefined), "change at least one field"));

export type DestinationCreateInput = z.input<typeof destinationCreateSchema>;
export type DestinationCreate = z.output<typeof destinationCreateSchema>;
export type DestinationPatch = z.output<typeof destinationPatchSchema>;
export type OutboundAuth = z.output<typeof outboundAuthSchema>;
export type PayloadFormat = z.output<typeof payloadFormatSchema>;

// A patch applied to a stored destination (the fields it does not name keep
// their values).
export function applyPatch<D extends DestinationCreate>(destination: D, patch: DestinationPatch): D {
	const changed = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
	return { ...destination, ...changed };
}

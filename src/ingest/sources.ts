import { Hono, type MiddlewareHandler } from "hono";
import { CONTENT_TYPE_HEADER, SOURCE_VAR } from "../events/envelope";
import { configFor } from "../shared/config";
import { documented } from "../shared/describe";
import { ApiError, retryAfter } from "../shared/errors";
import { logLine } from "../shared/log";
import {
	configuredSources,
	findSource,
	presetOf,
	rateLimitBindingOf,
	resolveSecrets,
	type Source,
	SourceConfigError,
	verifyOptionsFor,
} from "../sources/config";
import { FORM_CONTENT_TYPE, parseFormBody, SecretFormatError } from "../sources/presets";
import type { Control, DeliveryRequest, Verdict } from "../sources/types";
import * as z from "../zod/mini";
import { acceptEvents } from "./accept";
import { deliveryItem } from "./delivery";
import { decodeJson, type IngestEnv, jsonBody } from "./middleware";
import { singleEventAnswer } from "./status";

type SourceEnv = IngestEnv & {
	Variables: IngestEnv["Variables"] & {
		source: Source;
		// The delivery as received, once its signature passed (or its source is
		// allowed unsigned): from then on it is the source's traffic.
		delivery: DeliveryRequest;
		// The secrets it was verified with (handshakes that answer signed).
		secrets: string[];
		verified?: true;
		[SOURCE_VAR]?: string;
	};
};

// Resolves :source against the configured sources (404 for any other name).
export function configuredSource(): MiddlewareHandler<SourceEnv> {
	return async (c, next) => {
		let sources: readonly Source[];
		try {
			sources = configuredSources(c.env.SOURCES);
		} catch (err) {
			if (!(err instanceof SourceConfigError)) throw err;
			logLine("error", "sources_misconfigured", { issues: err.issues });
			throw new ApiError(503, {
				code: "sources_misconfigured",
				message: "The SOURCES configuration is invalid; see the Worker's logs",
				headers: retryAfter(60),
			});
		}
		const name = c.req.param("source") ?? "";
		const source = findSource(sources, name);
		if (!source)
			throw new ApiError(404, { code: "unknown_source", message: `No source named "${name}" is configured`, details: { source: name } });
		c.set("source", source);
		c.set(SOURCE_VAR, source.name);
		await next();
	};
}

export interface FailureLimitOptions {
	// Binding that counts unverified failures per client IP.
	failureBinding?: string;
	// How long an IP over the failure limit is refused without reading a byte.
	blockMs?: number;
	// The clock, ms since the epoch (tests inject one).
	now?: () => number;
}

// Answers that leave a request unverified: nobody proved to be the source
// sent it, so it is charged to its client IP, never to the source.
const UNVERIFIED_FAILURES: ReadonlySet<number> = new Set([400, 401, 413, 415]);
// Blocks are per isolate; past this many blocked addresses the expired ones go.
const BLOCKED_IPS_LIMIT = 10_000;

// Per-IP limit on unverified failures (a bad or missing signature, a body
// that is not JSON or too large): an IP that went over it is refused here,
// before any body is read or HMAC computed, so a flood of junk is cheap and
// never touches the source's own quota (sourceQuota, charged only once a
// delivery is verified). The block is per isolate; the binding's count is
// what decides it. Without cf-connecting-ip (local tests) nothing is counted.
export function unverifiedFailureLimit(options: FailureLimitOptions = {}): MiddlewareHandler<SourceEnv> {
	const failureBinding = options.failureBinding ?? "VERIFY_FAILURE_RATE_LIMIT";
	const blockMs = options.blockMs ?? 60_000;
	const now = options.now ?? Date.now;
	const blockedUntil = new Map<string, number>();
	return async (c, next) => {
		const ip = c.req.header("cf-connecting-ip");
		if (ip && (blockedUntil.get(ip) ?? 0) > now())
			throw tooMany("too_many_failures", "Too many failed deliveries from this address; retry later", blockMs);
		// A missing binding is the operator's to fix, whoever is asking.
		sourceLimiter(c.env, c.get("source"));
		try {
			await next();
		} finally {
			if (ip && !c.get("verified") && UNVERIFIED_FAILURES.has(c.res.status)) {
				const failures = bindingNamed<RateLimit>(c.env, failureBinding);
				if (failures && !(await failures.limit({ key: `ip:${ip}` })).success) {
					const at = now();
					if (blockedUntil.size >= BLOCKED_IPS_LIMIT) for (const [k, until] of blockedUntil) if (until <= at) blockedUntil.delete(k);
					blockedUntil.set(ip, at + blockMs);
				}
			}
		}
	};
}

// Per-source request limit (the source's rate limiting binding, keyed by
// source name), charged only for a delivery that passed verification.
export function sourceQuota(): MiddlewareHandler<SourceEnv> {
	return async (c, next) => {
		const source = c.get("source");
		if (!(await sourceLimiter(c.env, source).limit({ key: `source:${source.name}` })).success) {
			throw tooMany("rate_limited", `Source ${source.name} is over its request limit; retry later`, 60_000);
		}
		await next();
	};
}

function sourceLimiter(env: Env, source: Source): RateLimit {
	const limiter = bindingNamed<RateLimit>(env, rateLimitBindingOf(source));
	if (!limiter)
		throw new ApiError(503, {
			code: "rate_limit_not_configured",
			message: `Rate limiting binding ${rateLimitBindingOf(source)} is not bound`,
		});
	return limiter;
}

function tooMany(code: string, message: string, retryMs: number): ApiError {
	return new ApiError(429, { code, message, headers: retryAfter(retryMs / 1000) });
}

function bindingNamed<T>(env: Env, name: string): T | undefined {
	return (env as unknown as Record<string, T | undefined>)[name];
}

const pickContentType = (request: DeliveryRequest): Record<string, string> => {
	const value = request.headers[CONTENT_TYPE_HEADER];
	return value ? { [CONTENT_TYPE_HEADER]: value } : {};
};

function deliveryRequest(request: Request, body: ArrayBuffer): DeliveryRequest {
	const lower: Record<string, string> = {};
	request.headers.forEach((value, name) => {
		lower[name.toLowerCase()] = value;
	});
	// The URL as the sender requested it: schemes that sign it (Square,
	// Twilio, HubSpot) need it exactly.
	return { headers: lower, body: new Uint8Array(body), url: request.url, method: request.method };
}

// Verifies the raw body with the source's preset; on success the request is
// the source's (verified) and the delivery is kept for the handler.
export function verifiedDelivery(): MiddlewareHandler<SourceEnv> {
	return async (c, next) => {
		const request = deliveryRequest(c.req.raw, c.get("rawBody"));
		c.set("secrets", await verifyDelivery(c.env, c.get("source"), request));
		c.set("delivery", request);
		c.set("verified", true);
		await next();
	};
}

// Checks the delivery with its source's preset, over the raw bytes. A source
// with no secret set answers 503 (the sender retries until it is configured)
// unless it is declared unsigned AND the Worker allows unsigned traffic
// (ALLOW_UNSIGNED="true"), for development: one flag alone never opens it.
async function verifyDelivery(env: Env, source: Source, request: DeliveryRequest): Promise<string[]> {
	const secrets = resolveSecrets(source, env as unknown as Record<string, unknown>);
	if (secrets.length === 0) {
		if (source.unsigned && configFor(env).allowUnsigned) return secrets;
		throw new ApiError(503, {
			code: "signing_not_configured",
			message: source.unsigned
				? `Source ${source.name} is declared unsigned, but ALLOW_UNSIGNED is not "true"; set a secret or allow unsigned traffic (development only)`
				: `No signing secret is set for source ${source.name}; set it with \`wrangler secret put ${source.secretVars[0] ?? "…"}\``,
			headers: retryAfter(60),
		});
	}
	let verdict: Verdict;
	try {
		verdict = await presetOf(source).verify(request, secrets, verifyOptionsFor(source, Date.now()));
	} catch (err) {
		if (!(err instanceof SecretFormatError)) throw err;
		logLine("error", "source_secret_invalid", { source: source.name, error: err.message });
		throw new ApiError(503, {
			code: "signing_misconfigured",
			message: `The signing secret of source ${source.name} is not in the format its provider uses`,
		});
	}
	if (!verdict.ok) throw new ApiError(401, { code: verdict.reason, message: SIGNATURE_MESSAGES[verdict.reason] });
	return secrets;
}

// A verified body as text (archived byte for byte) and parsed: JSON, or a
// form-urlencoded body's fields.
function decodeDelivery(raw: ArrayBuffer, contentType: string): { text: string; json: unknown } {
	if (!FORM_CONTENT_TYPE.test(contentType)) return decodeJson(raw, { rejectUnsafeNumbers: false });
	const fields = parseFormBody(new Uint8Array(raw));
	if (fields === undefined) throw new ApiError(400, { code: "invalid_form", message: "Request body is not valid UTF-8" });
	return { text: new TextDecoder().decode(raw), json: fields };
}

function controlAnswer(
	c: { json: (b: never, s: 200) => Response; text: (b: string, s: 200) => Response; body: (b: null, s: 204) => Response },
	control: Control,
): Response {
	if (control.status === 204) return c.body(null, 204);
	return typeof control.body === "string" ? c.text(control.body, 200) : c.json(control.body as never, 200);
}

const SIGNATURE_MESSAGES = {
	signature_missing: "The provider's signature header is missing",
	signature_mismatch: "The signature does not match the body",
	timestamp_out_of_tolerance: "The signed timestamp is too far from now; a replayed or delayed request",
} as const;

const sourceDoc = documented({
	summary: "Receive a webhook from a configured provider source",
	description:
		"One route per preset (/webhook/stripe, /webhook/paddle, … once its secret is set) and per source in SOURCES. The source's preset verifies the provider's own signature over the raw body; the provider's JSON (or form-urlencoded body) is accepted as is and mapped to a canonical type by the consumer. Deduplicated on (source, the provider's event id, else the body's sha256). Handshakes (Slack url_verification, GitHub ping, Discord PING, Zoom url_validation, Twitch challenge) are answered at once and not queued.",
	tags: ["Ingest"],
	auth: "signature",
	responses: {
		202: [
			"Accepted and enqueued",
			z.object({ status: z.literal("accepted"), event_id: z.string().check(z.describe("<source>:<provider id>")) }),
		],
		200: [
			"Duplicate of an accepted delivery (for presets whose scheme signs neither id nor timestamp, e.g. GitHub and Shopify, also the same body bytes under another id), or a handshake answer (Slack challenge, GitHub pong, Discord PING, Zoom validation, Twitch challenge as text)",
		],
		204: ["Discord's Webhook Events PING"],
		400: [
			"Body is not JSON (or a form, for form-posting providers), or the provider's event id / type is missing, or too long to store (<source>:<id> over 200 characters, a type over 200), or an id holds whitespace (`fields` names the header or field)",
		],
		401: ["signature_missing, signature_mismatch or timestamp_out_of_tolerance"],
		404: ["No such source"],
		409: ["Same provider id with a different body, or another copy still being enqueued (Retry-After)"],
		413: ["Body over MAX_BODY_BYTES"],
		415: ["Content-Type is neither JSON nor form-urlencoded"],
		429: [
			"Over the source's rate limit (only verified deliveries count), or too many unverified failures (401, 400, 413, 415) from this address (Retry-After)",
		],
		503: ["Queue or idempotency store unavailable, or the source's secret is not set (Retry-After)"],
	},
});

export const sourceRoutes = new Hono<SourceEnv>().post(
	"/:source",
	sourceDoc,
	configuredSource(),
	unverifiedFailureLimit(),
	jsonBody({ allowForm: true }),
	verifiedDelivery(),
	sourceQuota(),
	async (c) => {
		const source = c.get("source");
		const raw = c.get("rawBody");
		const request = c.get("delivery");
		const secrets = c.get("secrets");

		// Provider bodies are archived byte for byte, so big numbers (Shopify's
		// 64-bit ids) are kept exactly rather than refused; depth is still bounded.
		const { text, json } = decodeDelivery(raw, c.req.header("content-type") ?? "");
		const preset = presetOf(source);
		const identified = (await preset.handshake?.(request, json, secrets)) ?? preset.identify(request, json);
		if (identified.kind === "control") return controlAnswer(c, identified);
		if (identified.kind === "invalid") {
			throw new ApiError(400, {
				code: "invalid_delivery",
				message: identified.message,
				details: {
					fields: [{ field: identified.field, message: identified.message }],
				},
			});
		}

		const item = await deliveryItem({
			source: source.name,
			preset,
			// The content type too: a `raw` destination is sent the body with it,
			// and the consumer parses a form body as one.
			identity: { ...identified, headers: { ...pickContentType(request), ...identified.headers } },
			raw,
			text,
			receivedAt: Date.now(),
		});
		const key = item.key;
		const answer = singleEventAnswer((await acceptEvents(c.env, c.get("config"), [item])).get(key), key);
		return c.json(answer.body, answer.status);
	},
);

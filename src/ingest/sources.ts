import { Hono, type MiddlewareHandler } from "hono";
import { CONTENT_TYPE_HEADER, type DeliveryMessage, SOURCE_VAR, storedEventId } from "../events/envelope";
import { contentHash } from "../events/hash";
import { configFor } from "../shared/config";
import { documented } from "../shared/describe";
import { ApiError } from "../shared/errors";
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
import { SecretFormatError } from "../sources/presets";
import type { DeliveryRequest, Verdict } from "../sources/types";
import * as z from "../zod/mini";
import { acceptEvents } from "./accept";
import { singleEventAnswer } from "./answer";
import { decodeJson, type IngestEnv, jsonBody } from "./middleware";

type SourceEnv = IngestEnv & { Variables: IngestEnv["Variables"] & { source: Source; [SOURCE_VAR]?: string } };

// Resolves :source against the configured sources (404 for any other name).
export function configuredSource(): MiddlewareHandler<SourceEnv> {
	return async (c, next) => {
		let sources: readonly Source[];
		try {
			sources = configuredSources(c.env.SOURCES);
		} catch (err) {
			if (!(err instanceof SourceConfigError)) throw err;
			logLine("error", "sources_misconfigured", { issues: err.issues });
			throw new ApiError(
				503,
				"sources_misconfigured",
				"The SOURCES configuration is invalid; see the Worker's logs",
				{},
				{ "Retry-After": "60" },
			);
		}
		const name = c.req.param("source") ?? "";
		const source = findSource(sources, name);
		if (!source) throw new ApiError(404, "unknown_source", `No source named "${name}" is configured`, { source: name });
		c.set("source", source);
		c.set(SOURCE_VAR, source.name);
		await next();
	};
}

export interface SourceRateLimitOptions {
	// Binding that counts signature failures per client IP.
	failureBinding?: string;
	// How long an IP over the failure limit is refused without verifying.
	blockMs?: number;
}

// Per-source request limit (the source's rate limiting binding, keyed by
// source name) and a per-IP limit on signature failures: an IP that went over
// it is refused here, before any body is read or HMAC computed, so a flood of
// bad signatures is cheap. The block is per isolate; the binding's count is
// what decides it.
export function sourceRateLimit(options: SourceRateLimitOptions = {}): MiddlewareHandler<SourceEnv> {
	const failureBinding = options.failureBinding ?? "VERIFY_FAILURE_RATE_LIMIT";
	const blockMs = options.blockMs ?? 60_000;
	const blockedUntil = new Map<string, number>();
	const tooMany = (code: string, message: string) =>
		new ApiError(429, code, message, {}, { "Retry-After": String(Math.ceil(blockMs / 1000)) });
	return async (c, next) => {
		const ip = c.req.header("cf-connecting-ip");
		if (ip && (blockedUntil.get(ip) ?? 0) > Date.now())
			throw tooMany("too_many_failures", "Too many failed signatures from this address; retry later");
		const source = c.get("source");
		const limiter = bindingNamed<RateLimit>(c.env, rateLimitBindingOf(source));
		if (!limiter) throw new ApiError(503, "rate_limit_not_configured", `Rate limiting binding ${rateLimitBindingOf(source)} is not bound`);
		if (!(await limiter.limit({ key: `source:${source.name}` })).success) {
			throw tooMany("rate_limited", `Source ${source.name} is over its request limit; retry later`);
		}
		try {
			await next();
		} finally {
			if (ip && c.res.status === 401) {
				const failures = bindingNamed<RateLimit>(c.env, failureBinding);
				if (failures && !(await failures.limit({ key: `ip:${ip}` })).success) blockedUntil.set(ip, Date.now() + blockMs);
			}
		}
	};
}

function bindingNamed<T>(env: Env, name: string): T | undefined {
	return (env as unknown as Record<string, T | undefined>)[name];
}

const pickContentType = (request: DeliveryRequest): Record<string, string> => {
	const value = request.headers[CONTENT_TYPE_HEADER];
	return value ? { [CONTENT_TYPE_HEADER]: value } : {};
};

function deliveryRequest(headers: Headers, body: ArrayBuffer): DeliveryRequest {
	const lower: Record<string, string> = {};
	headers.forEach((value, name) => {
		lower[name.toLowerCase()] = value;
	});
	return { headers: lower, body: new Uint8Array(body) };
}

// Checks the delivery with its source's preset, over the raw bytes. A source
// with no secret set answers 503 (the sender retries until it is configured)
// unless it is declared unsigned AND the Worker allows unsigned traffic
// (ALLOW_UNSIGNED="true"), for development: one flag alone never opens it.
async function verifyDelivery(env: Env, source: Source, request: DeliveryRequest): Promise<void> {
	const secrets = resolveSecrets(source, env as unknown as Record<string, unknown>);
	if (secrets.length === 0) {
		if (source.unsigned && configFor(env).allowUnsigned) return;
		throw new ApiError(
			503,
			"signing_not_configured",
			source.unsigned
				? `Source ${source.name} is declared unsigned, but ALLOW_UNSIGNED is not "true"; set a secret or allow unsigned traffic (development only)`
				: `No signing secret is set for source ${source.name}; set it with \`wrangler secret put ${source.secretVars[0] ?? "…"}\``,
			{},
			{ "Retry-After": "60" },
		);
	}
	let verdict: Verdict;
	try {
		verdict = await presetOf(source).verify(request, secrets, verifyOptionsFor(source, Date.now()));
	} catch (err) {
		if (!(err instanceof SecretFormatError)) throw err;
		logLine("error", "source_secret_invalid", { source: source.name, error: err.message });
		throw new ApiError(503, "signing_misconfigured", `The signing secret of source ${source.name} is not in the format its provider uses`);
	}
	if (!verdict.ok) throw new ApiError(401, verdict.reason, SIGNATURE_MESSAGES[verdict.reason]);
}

const SIGNATURE_MESSAGES = {
	signature_missing: "The provider's signature header is missing",
	signature_mismatch: "The signature does not match the body",
	timestamp_out_of_tolerance: "The signed timestamp is too far from now; a replayed or delayed request",
} as const;

const sourceDoc = documented({
	summary: "Receive a webhook from a configured provider source",
	description:
		"One route per source in SOURCES (stripe, github, shopify, slack, standard by default). The source's preset verifies the provider's own signature over the raw body; the provider's JSON is accepted as is and mapped to a canonical type by the consumer. Deduplicated on (source, the provider's event id). Slack url_verification and GitHub ping are answered at once and not queued.",
	tags: ["Ingest"],
	auth: "signature",
	responses: {
		202: [
			"Accepted and enqueued",
			z.object({ status: z.literal("accepted"), event_id: z.string().check(z.describe("<source>:<provider id>")) }),
		],
		200: ["Duplicate of an accepted delivery, or a control answer (Slack challenge, GitHub pong)"],
		400: ["Body is not JSON, or the provider's event id / type is missing (`fields` names it)"],
		401: ["signature_missing, signature_mismatch or timestamp_out_of_tolerance"],
		404: ["No such source"],
		409: ["Same provider id with a different body, or another copy still being enqueued (Retry-After)"],
		413: ["Body over MAX_BODY_BYTES"],
		415: ["Content-Type is not JSON"],
		429: ["Over the source's rate limit, or too many failed signatures from this address (Retry-After)"],
		503: ["Queue or idempotency store unavailable, or the source's secret is not set (Retry-After)"],
	},
});

export const sourceRoutes = new Hono<SourceEnv>().post(
	"/:source",
	sourceDoc,
	configuredSource(),
	sourceRateLimit(),
	jsonBody(),
	async (c) => {
		const source = c.get("source");
		const raw = c.get("rawBody");
		const request = deliveryRequest(c.req.raw.headers, raw);
		await verifyDelivery(c.env, source, request);

		// Provider bodies are archived byte for byte, so big numbers (Shopify's
		// 64-bit ids) are kept exactly rather than refused; depth is still bounded.
		const { text, json } = decodeJson(raw, { rejectUnsafeNumbers: false });
		const identified = presetOf(source).identify(request, json);
		if (identified.kind === "control") return c.json(identified.body, identified.status);
		if (identified.kind === "invalid") {
			throw new ApiError(400, "invalid_delivery", identified.message, {
				fields: [{ field: identified.field, message: identified.message }],
			});
		}

		const message: DeliveryMessage = {
			kind: "delivery",
			source: source.name,
			received_at: Date.now(),
			delivery: {
				id: identified.id,
				type: identified.type,
				...(identified.occurredAt !== undefined ? { occurred_at: identified.occurredAt } : {}),
				// The content type too: a `raw` destination is sent the body with it.
				headers: { ...pickContentType(request), ...identified.headers },
				body: text,
			},
		};
		const key = storedEventId(message);
		const item = { key, bodyHash: await contentHash(message), message };
		const answer = singleEventAnswer((await acceptEvents(c.env, c.get("config"), [item])).get(key), key);
		return c.json(answer.body, answer.status);
	},
);

import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { configFor, type PipelineConfig, webhookSecret } from "../shared/config";
import { verifySignature } from "../shared/crypto";
import { ApiError } from "../shared/errors";
import { DEFAULT_MAX_JSON_DEPTH, guardJson, withoutBom } from "../shared/json-guard";
import { rejectInvalid } from "../shared/validation";
import type * as z from "../zod/mini";

export type IngestEnv = {
	Bindings: Env;
	Variables: { config: PipelineConfig; rawBody: ArrayBuffer };
};

const JSON_CONTENT_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

export interface JsonBodyOptions {
	// Largest body accepted; defaults to MAX_BODY_BYTES from the Worker's vars.
	maxBytes?: number;
	// Also take application/x-www-form-urlencoded (provider routes: Twilio,
	// Mailgun's legacy webhooks).
	allowForm?: boolean;
}

// Reads the raw body once, as bytes, enforcing content type (415) and size
// (413) before anything parses it. The bytes are what the signature covers;
// they are kept in the context var rawBody, which every later reader takes.
// Size goes through Hono's bodyLimit: a declared Content-Length over the
// limit is refused unread, and a body without one (chunked) is streamed and
// refused as soon as it passes the limit, so no sender can make the Worker
// buffer more than it accepts.
export function jsonBody(options: JsonBodyOptions = {}): MiddlewareHandler<IngestEnv> {
	return async (c, next) => {
		const config = configFor(c.env);
		c.set("config", config);
		const maxBytes = options.maxBytes ?? config.maxBodyBytes;

		const contentType = c.req.header("content-type") ?? "";
		if (!JSON_CONTENT_TYPE.test(contentType) && !(options.allowForm && FORM_CONTENT_TYPE.test(contentType))) {
			const expected = options.allowForm ? "application/json or application/x-www-form-urlencoded" : "application/json";
			throw new ApiError(415, {
				code: "unsupported_media_type",
				message: `Content-Type must be ${expected}, got "${contentType || "none"}"`,
			});
		}
		const tooLarge = (): never => {
			throw new ApiError(413, {
				code: "payload_too_large",
				message: `Request body exceeds the ${maxBytes}-byte limit`,
				details: { limit_bytes: maxBytes },
			});
		};
		await bodyLimit({ maxSize: maxBytes, onError: tooLarge })(c, async () => {
			c.set("rawBody", await c.req.arrayBuffer());
			await next();
		});
	};
}

export interface SignatureOptions {
	header?: string;
}

// Checks the HMAC signature over the raw bytes. With no WEBHOOK_SECRET the
// endpoint refuses events (503, so senders retry until it is configured)
// unless ALLOW_UNSIGNED is explicitly "true".
export function webhookSignature(options: SignatureOptions = {}): MiddlewareHandler<IngestEnv> {
	const header = options.header ?? "X-Webhook-Signature";
	return async (c, next) => {
		const secret = webhookSecret(c.env);
		if (!secret) {
			if (c.get("config").allowUnsigned) return next();
			throw new ApiError(503, {
				code: "signing_not_configured",
				message:
					'WEBHOOK_SECRET is not set; set it with `wrangler secret put WEBHOOK_SECRET` (or ALLOW_UNSIGNED="true" to accept unsigned events)',
			});
		}
		const signature = c.req.header(header);
		if (!signature) throw new ApiError(401, { code: "missing_signature", message: `The ${header} header is required` });
		if (!(await verifySignature(secret, c.get("rawBody"), signature))) {
			throw new ApiError(401, { code: "invalid_signature", message: `${header} does not match the body` });
		}
		await next();
	};
}

// ignoreBOM: a leading BOM stays in the text, so a provider body is archived
// exactly as received; it is skipped only for parsing.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export interface ParseJsonOptions {
	// Deepest nesting accepted (objects and arrays).
	maxDepth?: number;
	// Refuse numbers a double cannot hold exactly (beyond 2^53, 1e400, …):
	// our envelope is re-serialised after parsing, so such a number would be
	// stored changed. Provider bodies are stored as sent and keep them.
	rejectUnsafeNumbers?: boolean;
}

// Decodes (already verified) bytes as UTF-8 JSON, bounded before any parse.
// text is the body as received (a BOM included), json its parse:
// nesting deeper than maxDepth and, optionally, lossy numbers get a 400 naming
// the limit or the number; malformed JSON gets its own error code.
export function decodeJson(raw: ArrayBuffer, options: ParseJsonOptions = {}): { text: string; json: unknown } {
	let text: string;
	try {
		text = utf8.decode(raw);
	} catch {
		throw new ApiError(400, { code: "invalid_json", message: "Request body is not valid UTF-8" });
	}
	const parseable = withoutBom(text);
	const guard = guardJson(parseable, {
		maxDepth: options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH,
		rejectUnsafeNumbers: options.rejectUnsafeNumbers ?? true,
	});
	if (!guard.ok) {
		const { ok: _ok, message, code, ...details } = guard;
		throw new ApiError(400, { code, message, details });
	}
	try {
		return { text, json: JSON.parse(parseable) };
	} catch {
		throw new ApiError(400, { code: "invalid_json", message: "Request body is not valid JSON" });
	}
}

// decodeJson and a zod schema as one validator for our envelope routes: the
// checked bytes (rawBody) are parsed once and the result is what
// c.req.valid("json") returns; an invalid body is one 400 naming every bad
// field.
export function validatedJson<S extends z.ZodMiniType>(
	schema: S,
	options: ParseJsonOptions = {},
): MiddlewareHandler<IngestEnv, string, { in: { json: z.input<S> }; out: { json: z.output<S> } }> {
	return async (c, next) => {
		const result = await schema.safeParseAsync(decodeJson(c.get("rawBody"), options).json);
		rejectInvalid(result);
		c.req.addValidatedData("json", result.data as object);
		await next();
	};
}

import type { MiddlewareHandler } from "hono";
import { configFor, type PipelineConfig, webhookSecret } from "../shared/config";
import { verifySignature } from "../shared/crypto";
import { ApiError } from "../shared/errors";
import { DEFAULT_MAX_JSON_DEPTH, guardJson, withoutBom } from "../shared/json-guard";

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
// (413) before anything parses it. The bytes are what the signature covers.
export function jsonBody(options: JsonBodyOptions = {}): MiddlewareHandler<IngestEnv> {
	return async (c, next) => {
		const config = configFor(c.env);
		c.set("config", config);
		const maxBytes = options.maxBytes ?? config.maxBodyBytes;

		const contentType = c.req.header("content-type") ?? "";
		if (!JSON_CONTENT_TYPE.test(contentType) && !(options.allowForm && FORM_CONTENT_TYPE.test(contentType))) {
			const expected = options.allowForm ? "application/json or application/x-www-form-urlencoded" : "application/json";
			throw new ApiError(415, "unsupported_media_type", `Content-Type must be ${expected}, got "${contentType || "none"}"`);
		}
		const declared = Number(c.req.header("content-length") ?? Number.NaN);
		if (declared > maxBytes) throw tooLarge(maxBytes);

		// With a declared length (checked above, and enforced by the runtime) the
		// body is read in one native call; only a chunked body is streamed.
		const body = Number.isFinite(declared) ? await c.req.raw.arrayBuffer() : await readLimited(c.req.raw.body, maxBytes);
		if (body === null) throw tooLarge(maxBytes);
		c.set("rawBody", body);
		// Later readers (c.req.text/json, Hono's validator) reuse these bytes.
		// Hono types the cache by value but stores (and awaits) promises.
		c.req.bodyCache.arrayBuffer = Promise.resolve(body) as unknown as ArrayBuffer;
		await next();
	};
}

function tooLarge(maxBytes: number): ApiError {
	return new ApiError(413, "payload_too_large", `Request body exceeds the ${maxBytes}-byte limit`, { limit_bytes: maxBytes });
}

// Streams the body and stops as soon as it passes the limit, so a body sent
// without Content-Length cannot make the Worker buffer more than it accepts.
async function readLimited(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<ArrayBuffer | null> {
	if (!stream) return new ArrayBuffer(0);
	const chunks: Uint8Array[] = [];
	let total = 0;
	const reader = stream.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > maxBytes) {
			await reader.cancel();
			return null;
		}
		chunks.push(value);
	}
	const body = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		body.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return body.buffer;
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
			throw new ApiError(
				503,
				"signing_not_configured",
				'WEBHOOK_SECRET is not set; set it with `wrangler secret put WEBHOOK_SECRET` (or ALLOW_UNSIGNED="true" to accept unsigned events)',
			);
		}
		const signature = c.req.header(header);
		if (!signature) throw new ApiError(401, "missing_signature", `The ${header} header is required`);
		if (!(await verifySignature(secret, c.get("rawBody"), signature))) {
			throw new ApiError(401, "invalid_signature", `${header} does not match the body`);
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
		throw new ApiError(400, "invalid_json", "Request body is not valid UTF-8");
	}
	const parseable = withoutBom(text);
	const guard = guardJson(parseable, {
		maxDepth: options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH,
		rejectUnsafeNumbers: options.rejectUnsafeNumbers ?? true,
	});
	if (!guard.ok) {
		const { ok: _ok, message, code, ...details } = guard;
		throw new ApiError(400, code, message, details);
	}
	try {
		return { text, json: JSON.parse(parseable) };
	} catch {
		throw new ApiError(400, "invalid_json", "Request body is not valid JSON");
	}
}

// decodeJson as middleware for our envelope routes, so Hono's validator
// reads the checked text.
export function parseJson(options: ParseJsonOptions = {}): MiddlewareHandler<IngestEnv> {
	return async (c, next) => {
		const { text } = decodeJson(c.get("rawBody"), options);
		c.req.bodyCache.text = Promise.resolve(withoutBom(text)) as unknown as string;
		await next();
	};
}

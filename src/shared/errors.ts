import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import * as z from "../zod/mini";
import { logLine } from "./log";

// The one error shape every route answers with, as documented in OpenAPI.
export const errorSchema = z.looseObject({
	error: z.string(),
	message: z.string(),
	fields: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
});

export interface ErrorBody {
	error: string;
	message: string;
	[extra: string]: unknown;
}

export interface ApiErrorOptions {
	// Machine code, the body's `error`.
	code: string;
	// For people, the body's `message`.
	message: string;
	// Extra fields of the body (`fields`, `limit_bytes`, an id, …).
	details?: Record<string, unknown>;
	// Response headers; build Retry-After with retryAfter().
	headers?: Record<string, string>;
	cause?: unknown;
}

// A typed error that carries its HTTP status, machine code and extra fields,
// thrown like Hono's HTTPException (status, options) and shaped by the one
// onError (errorResponse).
export class ApiError extends Error {
	readonly code: string;
	readonly details: Record<string, unknown>;
	readonly headers: Record<string, string>;

	constructor(
		readonly status: ContentfulStatusCode,
		options: ApiErrorOptions,
	) {
		super(options.message, { cause: options.cause });
		this.name = "ApiError";
		this.code = options.code;
		this.details = options.details ?? {};
		this.headers = options.headers ?? {};
	}
}

// The Retry-After header (RFC 9110 §10.2.3), the one way every 503, 429 and
// retryable 409 builds it: a non-negative whole number of seconds, rounded
// up so a retry never comes earlier than meant.
export function retryAfter(seconds: number): { "Retry-After": string } {
	return { "Retry-After": String(Math.max(0, Math.ceil(seconds))) };
}

const HTTP_CODES: Partial<Record<number, string>> = {
	400: "bad_request",
	401: "unauthorized",
	404: "not_found",
	405: "method_not_allowed",
	413: "payload_too_large",
	415: "unsupported_media_type",
};

// Every 503 says when to come back (RFC 9110 §10.2.3): senders that honour
// Retry-After back off instead of hammering, and none reads a 503 without it
// as "give up". A producer that knows better sets its own.
export const DEFAULT_RETRY_AFTER_SECONDS = 30;

export function errorResponse(err: Error, c: Context): Response {
	if (err instanceof ApiError) {
		// The error's own Retry-After, set after the default, wins.
		setHeaders(c, err.status === 503 ? { ...retryAfter(DEFAULT_RETRY_AFTER_SECONDS), ...err.headers } : err.headers);
		return c.json({ error: err.code, message: err.message, ...err.details } satisfies ErrorBody, err.status);
	}
	if (err instanceof HTTPException) {
		const status = err.status as ContentfulStatusCode;
		if (status === 503) setHeaders(c, retryAfter(DEFAULT_RETRY_AFTER_SECONDS));
		return c.json({ error: HTTP_CODES[status] ?? "http_error", message: err.message } satisfies ErrorBody, status);
	}
	logLine("error", "unhandled_error", { path: c.req.path, error: err.message });
	return c.json({ error: "internal_error", message: "Unexpected server error" } satisfies ErrorBody, 500);
}

function setHeaders(c: Context, headers: Record<string, string>): void {
	for (const [name, value] of Object.entries(headers)) c.header(name, value);
}

// The same default for a 503 a handler returned rather than threw (a health
// probe's "degraded"), so no path of the Worker answers 503 without it.
export function retryAfterOn503(seconds = DEFAULT_RETRY_AFTER_SECONDS): MiddlewareHandler {
	return async (c, next) => {
		await next();
		if (c.res.status === 503 && !c.res.headers.has("Retry-After")) setHeaders(c, retryAfter(seconds));
	};
}

import type { Context } from "hono";
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

// A typed error that carries its HTTP status, machine code and extra fields.
export class ApiError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly details: Record<string, unknown> = {},
		readonly headers: Record<string, string> = {},
	) {
		super(message);
		this.name = "ApiError";
	}
}

const HTTP_CODES: Partial<Record<number, string>> = {
	400: "bad_request",
	401: "unauthorized",
	404: "not_found",
	405: "method_not_allowed",
	413: "payload_too_large",
	415: "unsupported_media_type",
};

// A 503 always says when to retry (a sender or a tool would otherwise give
// up or hammer); a thrower that names no delay gets this one.
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

export function errorResponse(err: Error, c: Context): Response {
	if (err instanceof ApiError) {
		for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
		if (err.status === 503 && !Object.keys(err.headers).some((h) => h.toLowerCase() === "retry-after")) {
			c.header("Retry-After", String(DEFAULT_RETRY_AFTER_SECONDS));
		}
		return c.json({ error: err.code, message: err.message, ...err.details } satisfies ErrorBody, err.status);
	}
	if (err instanceof HTTPException) {
		const status = err.status as ContentfulStatusCode;
		return c.json({ error: HTTP_CODES[status] ?? "http_error", message: err.message } satisfies ErrorBody, status);
	}
	logLine("error", "unhandled_error", { path: c.req.path, error: err.message });
	return c.json({ error: "internal_error", message: "Unexpected server error" } satisfies ErrorBody, 500);
}

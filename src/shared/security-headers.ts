import type { MiddlewareHandler } from "hono";

// Security headers on every response the Worker itself produces (the static
// dashboard gets the same ones from public/_headers).
//
// Why: the Worker serves JSON to senders and HTML (the API reference) to
// people. Without these, a browser may sniff a JSON error that echoes input
// into HTML, and any site may frame the reference page. Non-HTML responses
// only need `frame-ancestors 'none'`; HTML gets a full policy, passed in so
// the integrator can tune it. A policy a route set itself is kept: it knows
// what its page loads.
//
// Referrer-Policy is no-referrer, like public/_headers: nothing this Worker
// links to needs to know where the reader came from.

export const DEFAULT_HTML_CSP =
	"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
export const DEFAULT_NON_HTML_CSP = "frame-ancestors 'none'";
export const DEFAULT_REFERRER_POLICY = "no-referrer";

export interface SecurityHeadersOptions {
	// Content-Security-Policy for text/html (and XHTML) responses.
	htmlCsp?: string;
	// Content-Security-Policy for every other response.
	nonHtmlCsp?: string;
	referrerPolicy?: string;
}

const HTML_TYPE = /^\s*(text\/html|application\/xhtml\+xml)\s*(;|$)/i;

export function securityHeaders(options: SecurityHeadersOptions = {}): MiddlewareHandler {
	const htmlCsp = options.htmlCsp ?? DEFAULT_HTML_CSP;
	const nonHtmlCsp = options.nonHtmlCsp ?? DEFAULT_NON_HTML_CSP;
	const referrerPolicy = options.referrerPolicy ?? DEFAULT_REFERRER_POLICY;
	return async (c, next) => {
		await next();
		// Read after next(): the handler's response, or the one onError or
		// notFound made. c.header() copies a response whose headers are
		// immutable (one returned by fetch) before setting.
		const headers = c.res.headers;
		c.header("X-Content-Type-Options", "nosniff");
		if (!headers.has("Referrer-Policy")) c.header("Referrer-Policy", referrerPolicy);
		if (!headers.has("Content-Security-Policy")) {
			const isHtml = HTML_TYPE.test(headers.get("Content-Type") ?? "");
			c.header("Content-Security-Policy", isHtml ? htmlCsp : nonHtmlCsp);
		}
	};
}

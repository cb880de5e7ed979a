// Signed HTTP to the ingest Worker, with the exact signing scheme the Worker
// verifies (the same module), so the CLI works against local and deployed
// stacks alike. Every request has a timeout: no send can hang a run.
import { signBody } from "../../src/shared/crypto";

export interface Target {
	url: string;
	secret: string;
	source: string;
	timeoutMs: number;
}

export const SIGNATURE_HEADER = "x-webhook-signature";

// Headers for a signed JSON POST. The signature covers these exact bytes, so
// the body must be sent as given, never re-serialised.
export async function signedHeaders(secret: string, body: string, source?: string): Promise<Record<string, string>> {
	return {
		"content-type": "application/json",
		[SIGNATURE_HEADER]: `sha256=${await signBody(secret, body)}`,
		...(source ? { "x-webhook-source": source } : {}),
	};
}

export interface HttpResult {
	status: number; // 0 when no response arrived (network error or timeout)
	body: unknown;
	ms: number;
	retryAfter?: string;
	error?: string;
}

export interface RawRequest {
	method?: string;
	path: string;
	body?: string;
	headers?: Record<string, string>;
	// performance.now() the latency is measured from (default: when sent), so
	// open-loop runs can count time spent behind schedule.
	since?: number;
}

export async function request(target: Target, req: RawRequest): Promise<HttpResult> {
	const since = req.since ?? performance.now();
	try {
		const res = await fetch(new URL(req.path, target.url), {
			method: req.method ?? "POST",
			headers: req.headers,
			body: req.body,
			signal: AbortSignal.timeout(target.timeoutMs),
		});
		const text = await res.text();
		return {
			status: res.status,
			body: parseMaybeJson(text),
			ms: performance.now() - since,
			...(res.headers.get("retry-after") ? { retryAfter: res.headers.get("retry-after")! } : {}),
		};
	} catch (err) {
		return { status: 0, body: null, ms: performance.now() - since, error: err instanceof Error ? err.message : String(err) };
	}
}

export async function postSigned(target: Target, path: string, payload: unknown, since?: number): Promise<HttpResult> {
	const body = JSON.stringify(payload);
	return request(target, { path, body, headers: await signedHeaders(target.secret, body, target.source), since });
}

function parseMaybeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

export type Outcome = "accepted" | "duplicate" | "conflict" | "in_flight" | "rejected" | "unavailable" | "no_response";

// What one single-event response means for the sender.
export function outcomeOf(result: Pick<HttpResult, "status" | "body">): Outcome {
	const error = (result.body as { error?: unknown } | null)?.error;
	if (result.status === 0) return "no_response";
	if (result.status === 202) return "accepted";
	if (result.status === 200) return "duplicate";
	if (result.status === 409) return error === "in_flight" ? "in_flight" : "conflict";
	if (result.status >= 500) return "unavailable";
	return "rejected";
}

// A clean rejection: a 4xx with the Worker's JSON error shape.
export function isCleanRejection(result: Pick<HttpResult, "status" | "body">): boolean {
	const body = result.body as { error?: unknown; message?: unknown } | null;
	return result.status >= 400 && result.status < 500 && typeof body?.error === "string" && typeof body?.message === "string";
}

import { describeError } from "./log";

// One outbound HTTP POST with a deadline, read back as what a retry policy
// needs: the status (or why there is none), how long it took, Retry-After,
// and a short snippet of the response with credentials redacted. Never
// throws. Used for deliveries to destinations and for alert channels.

// Most bytes of a response kept (UTF-8).
export const SNIPPET_MAX_BYTES = 512;

export type PostOutcome = number | "timeout" | "network_error";

export interface PostResult {
	result: PostOutcome;
	// Until the response headers arrived (or the request failed).
	latency_ms: number;
	retry_after: string | null;
	// ≤ SNIPPET_MAX_BYTES of the response body; null when there was none.
	snippet: string | null;
	// Why there is no status (timeout / network error), short.
	error: string | null;
}

export interface PostRequest {
	url: string;
	body: string;
	headers: Record<string, string>;
	timeoutMs: number;
	// Values that must never be stored (tokens, signing secrets): replaced by
	// [redacted] wherever the receiver echoes them back.
	redact?: readonly string[];
}

const REDACTED = "[redacted]";
const decoder = new TextDecoder();
const encoder = new TextEncoder();

// Whole characters only, at most maxBytes of UTF-8.
export function truncateUtf8(text: string, maxBytes: number = SNIPPET_MAX_BYTES): string {
	const bytes = encoder.encode(text);
	if (bytes.length <= maxBytes) return text;
	let end = maxBytes;
	// Back up to the start of a character (continuation bytes are 10xxxxxx).
	while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
	return decoder.decode(bytes.subarray(0, end));
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
	let out = text;
	// Longest first, so a secret containing another is replaced whole.
	for (const secret of [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length))
		out = out.split(secret).join(REDACTED);
	return out;
}

// Reads at most `limit` bytes of a body, then lets the rest go.
async function readPrefix(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array> {
	if (!body) return new Uint8Array();
	const reader = body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		while (size < limit) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			size += value.length;
		}
	} finally {
		reader.cancel().catch(() => {});
	}
	const all = new Uint8Array(size);
	let at = 0;
	for (const c of chunks) {
		all.set(c, at);
		at += c.length;
	}
	return all.subarray(0, limit);
}

export async function postJson(request: PostRequest): Promise<PostResult> {
	const redact = request.redact ?? [];
	const started = Date.now();
	let response: Response;
	try {
		response = await fetch(request.url, {
			method: "POST",
			headers: request.headers,
			body: request.body,
			// A 3xx is an answer (not followed): the body may not be re-sent elsewhere.
			redirect: "manual",
			signal: AbortSignal.timeout(request.timeoutMs),
		});
	} catch (err) {
		const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
		return {
			result: timedOut ? "timeout" : "network_error",
			latency_ms: Date.now() - started,
			retry_after: null,
			snippet: null,
			error: timedOut ? `no response within ${request.timeoutMs} ms` : redactSecrets(describeError(err).slice(0, 200), redact),
		};
	}
	const latency = Date.now() - started;
	// Read enough past the cut that a secret straddling it is still redacted whole.
	const longest = Math.max(0, ...redact.map((s) => encoder.encode(s).length));
	let snippet: string | null = null;
	try {
		const prefix = await readPrefix(response.body, SNIPPET_MAX_BYTES + longest + 4);
		// stream: a character cut at the end of the prefix is dropped, not garbled.
		if (prefix.length > 0) snippet = truncateUtf8(redactSecrets(new TextDecoder().decode(prefix, { stream: true }), redact));
	} catch {
		// A body that breaks off mid-read leaves no snippet; the status stands.
	}
	return { result: response.status, latency_ms: latency, retry_after: response.headers.get("retry-after"), snippet, error: null };
}

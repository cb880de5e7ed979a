// When to try a delivery again, and whether to at all. Pure: the caller
// passes the attempt number, the clock and a random source.

// Cloudflare Queues caps delaySeconds (on send and on retry) at 12 hours
// (https://developers.cloudflare.com/queues/limits: "delaySeconds (when sending
// or retrying): 12 hours").
export const QUEUES_MAX_DELAY_SECONDS = 43_200;

// full: uniform in [min, ceiling] (AWS "full jitter"): a crowd of failed
// deliveries spreads out instead of retrying in lockstep.
// decorrelated: uniform in [base, previous × factor], capped (AWS
// "decorrelated jitter"): needs the previous delay.
// none: the ceiling itself (deterministic; for tests and tooling).
export type Jitter = "full" | "decorrelated" | "none";

export interface BackoffConfig {
	baseSeconds: number;
	factor: number;
	capSeconds: number;
	minSeconds: number;
	jitter: Jitter;
	// Longest Retry-After honoured; longer ones are clamped to it.
	maxRetryAfterSeconds: number;
}

// Ceilings 5 s, 25 s, ~2 min, ~10 min, ~52 min, ~4.3 h, then 6 h: the first
// retries ride out a blip within seconds, later ones spread over hours.
// Eight attempts (seven retries) span at most ~11.5 h, twenty ~3.5 days.
export const DEFAULT_BACKOFF: BackoffConfig = {
	baseSeconds: 5,
	factor: 5,
	capSeconds: 6 * 60 * 60,
	minSeconds: 1,
	jitter: "full",
	maxRetryAfterSeconds: QUEUES_MAX_DELAY_SECONDS,
};

// The largest delay before retry number `retry` (1 = the first retry).
export function backoffCeiling(retry: number, config: BackoffConfig = DEFAULT_BACKOFF): number {
	const n = Math.max(1, Math.floor(retry));
	return Math.min(config.capSeconds, config.baseSeconds * config.factor ** (n - 1));
}

const uniform = (low: number, high: number, random: () => number) => low + Math.min(Math.max(random(), 0), 1) * (high - low);

// Whole seconds to wait before retry number `retry`. `random` returns [0, 1).
export function backoffDelay(
	retry: number,
	random: () => number,
	config: BackoffConfig = DEFAULT_BACKOFF,
	previousDelaySeconds?: number,
): number {
	const ceiling = backoffCeiling(retry, config);
	let delay: number;
	if (config.jitter === "none") delay = ceiling;
	else if (config.jitter === "full") delay = uniform(config.minSeconds, ceiling, random);
	else {
		const previous = previousDelaySeconds ?? config.baseSeconds;
		delay = Math.min(config.capSeconds, uniform(config.baseSeconds, Math.max(config.baseSeconds, previous * config.factor), random));
	}
	return clampSeconds(Math.ceil(Math.max(delay, config.minSeconds)), Math.min(config.capSeconds, QUEUES_MAX_DELAY_SECONDS));
}

const clampSeconds = (s: number, max: number) => Math.min(Math.max(0, s), max);

// The three HTTP-date forms (RFC 9110 §5.6.7) a recipient must accept.
const IMF_FIXDATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

function parseHttpDate(text: string): number {
	if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) return Date.parse(text);
	// asctime has no zone but is UTC.
	if (ASCTIME_DATE.test(text)) return Date.parse(`${text.replace(/ {2}/, " ")} GMT`);
	return Number.NaN;
}

// A Retry-After header (RFC 9110 §10.2.3) as seconds from `now` (epoch ms):
// delay-seconds or an HTTP-date; a date in the past is 0. Null when absent or
// unreadable (so "5m" or "1.5" is not taken for some date). Not clamped here.
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
	if (value === null || value === undefined) return null;
	const text = value.trim();
	if (/^\d+$/.test(text)) return Number(text);
	const at = parseHttpDate(text);
	if (Number.isNaN(at)) return null;
	return Math.max(0, Math.ceil((at - now) / 1000));
}

// success: 2xx.
// retry: 408, 425, 429, 5xx, a network error or a timeout: the receiver may
//   answer differently later. Also 401, 403 and 404: a receiver that rotated
//   a token or has not deployed its route yet fixes it on its side, and its
//   events should still arrive (Svix and Convoy retry these too).
// disable: 410 Gone: the receiver says the endpoint is gone for good; the
//   destination is disabled and this event dead-lettered (replayable).
// fail_permanent: every other status (400, 405, 409, 413, 415, 422, …, and
//   3xx since redirects are not followed): the receiver refuses this payload,
//   and the same bytes would be refused again. Dead-lettered at once, so
//   attempts are not spent on it; unlike Svix/Convoy, which retry most 4xx.
export type Classification = "success" | "retry" | "disable" | "fail_permanent";

export type AttemptResult = number | "network_error" | "timeout";

const RETRY_STATUSES = new Set([401, 403, 404, 408, 425, 429]);

export function classify(result: AttemptResult): Classification {
	if (result === "network_error" || result === "timeout") return "retry";
	if (result >= 200 && result <= 299) return "success";
	if (result === 410) return "disable";
	if (RETRY_STATUSES.has(result) || (result >= 500 && result <= 599)) return "retry";
	return "fail_permanent";
}

export type RetryDecision =
	| { action: "delivered" }
	| { action: "retry"; delaySeconds: number }
	| { action: "dead_letter"; reason: "attempts_exhausted" | "rejected" }
	// Disable the destination and dead-letter this event.
	| { action: "disable" };

export interface AttemptContext {
	// The attempt that just ran, from 1.
	attempt: number;
	maxAttempts: number;
	// The response's Retry-After header, if any.
	retryAfter?: string | null;
	// The delay before this attempt (decorrelated jitter needs it).
	previousDelaySeconds?: number;
}

// What to do after an attempt. Retry-After is honoured as a floor: never
// earlier than the receiver asked, nor earlier than the backoff schedule;
// clamped to maxRetryAfterSeconds and to what Queues can delay.
export function decide(
	result: AttemptResult,
	context: AttemptContext,
	now: number,
	random: () => number,
	config: BackoffConfig = DEFAULT_BACKOFF,
): RetryDecision {
	const classification = classify(result);
	if (classification === "success") return { action: "delivered" };
	if (classification === "disable") return { action: "disable" };
	if (classification === "fail_permanent") return { action: "dead_letter", reason: "rejected" };
	if (context.attempt >= context.maxAttempts) return { action: "dead_letter", reason: "attempts_exhausted" };
	const backoff = backoffDelay(context.attempt, random, config, context.previousDelaySeconds);
	const asked = parseRetryAfter(context.retryAfter, now);
	const floor = asked === null ? 0 : Math.min(asked, config.maxRetryAfterSeconds);
	return { action: "retry", delaySeconds: clampSeconds(Math.max(backoff, floor), QUEUES_MAX_DELAY_SECONDS) };
}

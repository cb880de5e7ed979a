import { positiveInt } from "../shared/config";
import { type BreakerConfig, DEFAULT_BREAKER } from "./core/breaker";
import { type BackoffConfig, DEFAULT_BACKOFF } from "./core/retry";

// Forwarding settings from the Worker's vars (wrangler.toml documents each).
// Pure: tests pass plain objects.
export interface ForwardingConfig {
	timeoutMs: number;
	backoff: BackoffConfig;
	breaker: BreakerConfig;
}

export type ForwardingVars = Partial<
	Record<
		| "DELIVERY_TIMEOUT_MS"
		| "DELIVERY_BACKOFF_BASE_SECONDS"
		| "DELIVERY_BACKOFF_CAP_SECONDS"
		| "BREAKER_FAILURE_THRESHOLD"
		| "BREAKER_PROBE_BASE_SECONDS",
		string | undefined
	>
>;

export const DEFAULT_TIMEOUT_MS = 10_000;
// A delivery request never waits longer than this, whatever the var says.
export const MAX_TIMEOUT_MS = 30_000;

export function forwardingConfig(vars: ForwardingVars): ForwardingConfig {
	const baseSeconds = positiveInt(vars.DELIVERY_BACKOFF_BASE_SECONDS, DEFAULT_BACKOFF.baseSeconds);
	const capSeconds = Math.max(baseSeconds, positiveInt(vars.DELIVERY_BACKOFF_CAP_SECONDS, DEFAULT_BACKOFF.capSeconds));
	return {
		timeoutMs: Math.min(positiveInt(vars.DELIVERY_TIMEOUT_MS, DEFAULT_TIMEOUT_MS), MAX_TIMEOUT_MS),
		backoff: { ...DEFAULT_BACKOFF, baseSeconds, capSeconds, minSeconds: Math.min(DEFAULT_BACKOFF.minSeconds, baseSeconds) },
		breaker: {
			...DEFAULT_BREAKER,
			failureThreshold: positiveInt(vars.BREAKER_FAILURE_THRESHOLD, DEFAULT_BREAKER.failureThreshold),
			probeBaseMs: positiveInt(vars.BREAKER_PROBE_BASE_SECONDS, DEFAULT_BREAKER.probeBaseMs / 1000) * 1000,
		},
	};
}

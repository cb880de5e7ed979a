import { configFor } from "../shared/config";
import { type BreakerConfig, DEFAULT_BREAKER } from "./core/breaker";
import { type BackoffConfig, DEFAULT_BACKOFF } from "./core/retry";

// Forwarding settings from the Worker's vars (wrangler.toml documents each;
// their types, bounds and defaults are in src/shared/config.ts). Pure: tests
// pass plain objects.
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

// Throws ConfigError when a var does not parse (the batch is then retried).
export function forwardingConfig(vars: ForwardingVars): ForwardingConfig {
	const c = configFor(vars);
	const baseSeconds = c.deliveryBackoffBaseSeconds;
	return {
		timeoutMs: c.deliveryTimeoutMs,
		backoff: {
			...DEFAULT_BACKOFF,
			baseSeconds,
			capSeconds: c.deliveryBackoffCapSeconds,
			minSeconds: Math.min(DEFAULT_BACKOFF.minSeconds, baseSeconds),
		},
		breaker: { ...DEFAULT_BREAKER, failureThreshold: c.breakerFailureThreshold, probeBaseMs: c.breakerProbeBaseMs },
	};
}

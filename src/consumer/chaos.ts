import { TransientError } from "../events/contract";

// Dev-only fault switch (CHAOS_FAIL_RATE): fails that share of handler calls
// with a transient error, to exercise retries and dead-lettering under load.
export function injectChaos(failRate: number, random: () => number = Math.random): void {
	if (failRate > 0 && random() < failRate) throw new TransientError("chaos: injected transient failure");
}

// Must equal max_retries of the main consumer in wrangler.toml (a test checks).
export const MAX_RETRIES = 3;

// Must equal max_retries of the dead-letter queue's consumer (a test checks):
// it is retried for as long as D1 may be down, ~100 minutes at the 60 s cap.
export const DEAD_LETTER_MAX_RETRIES = 100;

// Exponential backoff: 2 s, 4 s, 8 s … capped, so a flapping dependency gets
// room to recover while the end-to-end budget of healthy events is untouched.
export function retryDelaySeconds(attempts: number, capSeconds = 60): number {
	return Math.min(2 ** Math.max(1, attempts), capSeconds);
}

// A delivery that fails on its last allowed attempt, or fails in a way no
// retry can fix, is dead-lettered with its reason instead of retried.
export function shouldDeadLetter(attempts: number, permanent: boolean): boolean {
	return permanent || attempts > MAX_RETRIES;
}

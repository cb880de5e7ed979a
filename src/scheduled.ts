import { evaluateAlerts } from "./alerting/evaluate";
import { sweepDeliveries } from "./forwarding/sweep";
import { logLine } from "./shared/log";

// The every-minute cron trigger ([triggers] in wrangler.toml): evaluate the
// alert rules, and sweep deliveries that lost their queue message. Each runs
// whatever happens to the other.
export async function everyMinute(env: Env, scheduledTime: number): Promise<void> {
	const [alerts, sweep] = await Promise.allSettled([evaluateAlerts(env, scheduledTime), sweepDeliveries(env, scheduledTime)]);
	for (const [job, result] of [
		["alerts", alerts],
		["sweep", sweep],
	] as const) {
		if (result.status === "rejected") logLine("error", "scheduled_job_failed", { job, error: String(result.reason) });
	}
}

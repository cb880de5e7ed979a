import { evaluateAlerts } from "./alerting/evaluate";
import { sweepDeliveries } from "./forwarding/sweep";
import { storageTick } from "./retention/index";
import { logLine } from "./shared/log";

// The every-minute cron trigger ([triggers] in wrangler.toml): evaluate the
// alert rules, sweep deliveries that lost their queue message, and the
// storage jobs (archive backfill, retention, orphan sweep). Each runs
// whatever happens to the others.
export async function everyMinute(env: Env, scheduledTime: number): Promise<void> {
	const [alerts, sweep, storage] = await Promise.allSettled([
		evaluateAlerts(env, scheduledTime),
		sweepDeliveries(env, scheduledTime),
		storageTick(env, scheduledTime),
	]);
	for (const [job, result] of [
		["alerts", alerts],
		["sweep", sweep],
		["storage", storage],
	] as const) {
		if (result.status === "rejected") logLine("error", "scheduled_job_failed", { job, error: String(result.reason) });
	}
}

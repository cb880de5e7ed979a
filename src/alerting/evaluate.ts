import { logLine } from "../shared/log";
import { type AlertSecrets, alertingConfig } from "./config";
import { evaluateRules, type RuleResult } from "./core/rules";
import { evaluate } from "./core/state";
import { notifyChannels } from "./notify";
import { historyMs, recordAndLoad, takeSample } from "./samples";
import { type ChannelStatuses, dropLease, loadStates, notificationOf, recordSends, saveEvaluation, takeLease, unsent } from "./store";

// One evaluation (the cron tick, or POST /api/alerts/evaluate): take a sample,
// run the rules over the stored series, step every alert's state, record and
// send what fired or resolved. A lease in D1 keeps two evaluations from
// overlapping, so one incident is never announced twice.

export interface EvaluationReport {
	evaluated_at: number;
	// "busy": another evaluation holds the lease; nothing was done.
	skipped: "busy" | null;
	results: RuleResult[];
	notifications: { key: string; kind: "fired" | "resolved"; channels: ChannelStatuses }[];
	resent: number;
	problems: string[];
}

export async function evaluateAlerts(env: Env, now: number): Promise<EvaluationReport> {
	const db = env.DB;
	const config = alertingConfig(env as Env & AlertSecrets);
	const report: EvaluationReport = {
		evaluated_at: now,
		skipped: null,
		results: [],
		notifications: [],
		resent: 0,
		problems: config.problems,
	};
	if (!(await takeLease(db, now))) return { ...report, skipped: "busy" };
	try {
		const series = await recordAndLoad(db, await takeSample(env, now), historyMs(config.rules));
		report.results = evaluateRules(series, config.rules);
		const { states, notifications } = evaluate(await loadStates(db), report.results, now, { cooldownMs: config.cooldownMs });
		const channelIds = config.channels.map((c) => c.id);

		// What earlier evaluations could not send goes first, in order.
		for (const h of await unsent(db, now)) {
			await recordSends(db, h.id, await notifyChannels(config.channels, notificationOf(h), h.channels, now));
			report.resent++;
		}
		// State first: were the sends to fail, the next evaluation resends
		// them rather than announcing the incident again.
		const ids = await saveEvaluation(db, states, notifications, channelIds);
		for (const [i, n] of notifications.entries()) {
			const statuses = await notifyChannels(config.channels, n, {}, now);
			await recordSends(db, ids[i] as number, statuses);
			report.notifications.push({ key: n.key, kind: n.kind, channels: statuses });
		}
		if (config.problems.length > 0) logLine("warn", "alerting_misconfigured", { problems: config.problems });
		logLine("info", "alerts_evaluated", {
			firing: report.results.filter((r) => r.status === "firing").map((r) => r.key),
			notifications: report.notifications.length,
			resent: report.resent,
		});
		return report;
	} finally {
		await dropLease(db);
	}
}

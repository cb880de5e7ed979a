// Every provider preset end to end: realistic deliveries signed with each
// provider's own library and secret, each sent twice (the provider's retry
// must be a duplicate), Slack's URL check (echoed, never stored) and one
// tampered delivery (401). Reconciled by stored id ("<source>:<provider id>"):
// every 202 must land once, processed under its canonical type or archived as
// unhandled under the provider's.
import { request } from "../http";
import { checkLandings, judgeAnswer } from "../providers/checks";
import { planProviderRun, providerSends } from "../providers/deliveries";
import { loadProviderSecrets } from "../providers/secrets";
import { signDelivery } from "../providers/sign";
import type { SendRecord } from "../reconcile";
import type { Detail } from "../report";
import { detailOf, elapsedSince, flaggedOf, recordOf, type Scenario } from "./common";

export const providers: Scenario = async (ctx) => {
	const start = performance.now();
	const secrets = loadProviderSecrets({ configDir: ctx.configDir, devVars: ctx.options.devVars });
	const plan = planProviderRun(ctx.runId, Date.now());
	const sends = providerSends(plan);
	const records: SendRecord[] = [];
	const details: Detail[] = [];
	for (const send of sends) {
		// Signed when sent: a retry carries a fresh timestamp, as providers do.
		const signed = await signDelivery(send.kind, send.body, { secret: secrets[send.kind], headers: send.headers });
		const result = await request(ctx.target, {
			path: `/webhook/${send.source}`,
			body: send.sentBody ?? send.body,
			headers: signed.headers,
		});
		const problem = judgeAnswer(send.expect, result);
		const detail = detailOf(send.label, result, problem ?? send.storedId ?? "answered at once, never stored", problem !== null);
		details.push(send.storedId || problem ? detail : { ...detail, outcome: "challenge echoed" });
		// A control answer is about no event, so it is not an ack to count.
		if (send.storedId) records.push(recordOf({ event_id: send.storedId }, result));
	}
	return {
		records,
		details,
		requests: sends.length,
		windowMs: elapsedSince(start),
		flagged: flaggedOf(details),
		select: {
			ids: plan.deliveries.map((d) => d.storedId),
			strays: plan.controls.map((c) => ({ source: c.source, contains: c.marker })),
		},
		checkLanded: (rows) => checkLandings(plan.deliveries, rows),
	};
};

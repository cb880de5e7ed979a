// Every provider preset end to end: realistic deliveries signed as each
// provider signs (its own library where it has one) with its secret, each
// sent twice (the provider's retry must be a duplicate), Slack's URL check
// and Discord's PING (answered, never stored) and one tampered delivery
// (401). Reconciled by stored id ("<source>:<provider id>"):
// every 202 must land once, processed under its canonical type or archived as
// unhandled under the provider's.
import { request } from "../http";
import { checkLandings, judgeAnswer } from "../providers/checks";
import { planProviderRun, providerSends } from "../providers/deliveries";
import { DEV_SIGNING_KEYS } from "../providers/dev-keys";
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
		// Discord and SendGrid sign with their dev private keys (the Worker
		// holds the public halves); Square, Twilio and HubSpot sign the URL.
		const path = `/webhook/${send.source}`;
		const signed = await signDelivery(send.kind, send.body, {
			secret: send.kind === "discord" || send.kind === "sendgrid" ? DEV_SIGNING_KEYS[send.kind] : secrets[send.kind],
			headers: send.headers,
			url: new URL(path, ctx.target.url).toString(),
		});
		const result = await request(ctx.target, { path, body: send.sentBody ?? signed.body, headers: signed.headers });
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

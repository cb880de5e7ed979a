// The providers' own signing libraries against the Worker's presets: what
// the generator (and the tests) send must verify, and nothing else.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../../src/sources/crypto";
import { getPreset } from "../../../src/sources/presets";
import { planProviderRun } from "./deliveries";
import { DEV_SIGNING_KEYS } from "./dev-keys";
import { parseDevVars, SECRET_VARS } from "./secrets";
import { type ProviderKind, signDelivery } from "./sign";

const example = parseDevVars(readFileSync(path.resolve(import.meta.dirname, "../../../.dev.vars.example"), "utf8"));
const plan = planProviderRun("evsigntest01", Date.now());
const URL_SIGNED = "http://127.0.0.1:8787/webhook/x";
const verify = async (kind: ProviderKind, body: string, headers: Record<string, string>, secret: string) =>
	getPreset(kind).verify({ headers, body: utf8(body), url: URL_SIGNED, method: "POST" }, [secret], {
		toleranceSeconds: 300,
		nowSeconds: Math.floor(Date.now() / 1000),
	});
// Discord and SendGrid sign with the dev private key; the Worker holds the public half.
const signingSecret = (kind: ProviderKind, secret: string) => (kind === "discord" || kind === "sendgrid" ? DEV_SIGNING_KEYS[kind] : secret);

describe("signDelivery", () => {
	it.each(plan.deliveries.map((d) => [d.label, d] as const))("signs %s so that the Worker's preset verifies it", async (_label, d) => {
		const secret = example[SECRET_VARS[d.kind]]!;
		const signed = await signDelivery(d.kind, d.body, { secret: signingSecret(d.kind, secret), headers: d.headers, url: URL_SIGNED });
		// Mailgun's signature travels in the body; every other body is sent as planned.
		if (d.kind === "mailgun") expect(JSON.parse(signed.body)["event-data"]).toEqual(JSON.parse(d.body)["event-data"]);
		else expect(signed.body).toBe(d.body);
		expect(signed.headers).toMatchObject(d.headers);
		expect(await verify(d.kind, signed.body, signed.headers, secret)).toEqual({ ok: true });
	});

	it("makes a tampered body a signature_mismatch", async () => {
		const { of, body } = plan.tampered;
		const secret = example[SECRET_VARS[of.kind]]!;
		const signed = await signDelivery(of.kind, of.body, { secret, headers: of.headers });
		expect(await verify(of.kind, body, signed.headers, secret)).toEqual({ ok: false, reason: "signature_mismatch" });
	});

	it("signs a Mailgun event the same way twice, as Mailgun's retry of one POST sends the same bytes", async () => {
		const d = plan.deliveries.find((x) => x.kind === "mailgun")!;
		const secret = example[SECRET_VARS.mailgun]!;
		const first = await signDelivery("mailgun", d.body, { secret });
		expect((await signDelivery("mailgun", d.body, { secret })).body).toBe(first.body);
		expect(await verify("mailgun", first.body.replace(/"token":"./, '"token":"x'), {}, secret)).toMatchObject({
			reason: "signature_mismatch",
		});
	});

	it("signs the timestamp it is given, so a stale one is refused", async () => {
		const d = plan.deliveries[0]!;
		const secret = example[SECRET_VARS.stripe]!;
		const stale = await signDelivery("stripe", d.body, { secret, timestamp: Math.floor(Date.now() / 1000) - 3600 });
		expect(await verify("stripe", d.body, stale.headers, secret)).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
	});
});

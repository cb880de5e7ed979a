// The providers' own signing libraries against the Worker's presets: what
// the generator (and the tests) send must verify, and nothing else.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { utf8 } from "../../../src/sources/crypto";
import { getPreset } from "../../../src/sources/presets";
import { planProviderRun } from "./deliveries";
import { parseDevVars, SECRET_VARS } from "./secrets";
import { type ProviderKind, signDelivery } from "./sign";

const example = parseDevVars(readFileSync(path.resolve(import.meta.dirname, "../../../.dev.vars.example"), "utf8"));
const plan = planProviderRun("evsigntest01", Date.now());
const verify = async (kind: ProviderKind, body: string, headers: Record<string, string>, secret: string) =>
	getPreset(kind).verify({ headers, body: utf8(body) }, [secret], { toleranceSeconds: 300, nowSeconds: Math.floor(Date.now() / 1000) });

describe("signDelivery", () => {
	it.each(plan.deliveries.map((d) => [d.label, d] as const))("signs %s so that the Worker's preset verifies it", async (_label, d) => {
		const secret = example[SECRET_VARS[d.kind]]!;
		const signed = await signDelivery(d.kind, d.body, { secret, headers: d.headers });
		expect(signed.body).toBe(d.body);
		expect(signed.headers).toMatchObject(d.headers);
		expect(await verify(d.kind, d.body, signed.headers, secret)).toEqual({ ok: true });
	});

	it("makes a tampered body a signature_mismatch", async () => {
		const { of, body } = plan.tampered;
		const secret = example[SECRET_VARS[of.kind]]!;
		const signed = await signDelivery(of.kind, of.body, { secret, headers: of.headers });
		expect(await verify(of.kind, body, signed.headers, secret)).toEqual({ ok: false, reason: "signature_mismatch" });
	});

	it("signs the timestamp it is given, so a stale one is refused", async () => {
		const d = plan.deliveries[0]!;
		const secret = example[SECRET_VARS.stripe]!;
		const stale = await signDelivery("stripe", d.body, { secret, timestamp: Math.floor(Date.now() / 1000) - 3600 });
		expect(await verify("stripe", d.body, stale.headers, secret)).toEqual({ ok: false, reason: "timestamp_out_of_tolerance" });
	});
});

import { describe, expect, it } from "vitest";
import { utf8 } from "../crypto";
import { mappingRuleSchema } from "../mapping-rules";
import { getPreset, PRESET_INFO, PRESET_KINDS, PRESETS, parseFormBody, parseJsonBody } from "./index";

describe("preset registry", () => {
	it("registers at least 30 named presets, each under its own kind, each with its catalog entry", () => {
		expect(PRESET_KINDS.length).toBeGreaterThanOrEqual(30);
		for (const kind of PRESET_KINDS) expect(PRESETS[kind].kind).toBe(kind);
		expect(Object.keys(PRESET_INFO).sort()).toEqual([...PRESET_KINDS].sort());
		const vars = PRESET_KINDS.map((k) => PRESET_INFO[k].secretVar);
		expect(new Set(vars).size).toBe(vars.length);
		for (const kind of PRESET_KINDS) expect(PRESET_INFO[kind].settingsUrl).toMatch(/^https:\/\//);
	});

	it("gives a tolerance exactly to the schemes that sign a timestamp, and dedupes on the body exactly where neither id nor time is signed", () => {
		const scheme = Object.fromEntries(PRESET_KINDS.map((k) => [k, [PRESETS[k].defaultToleranceSeconds, PRESETS[k].bodyDedupe]]));
		expect(scheme).toEqual({
			stripe: [300, false],
			github: [null, true],
			shopify: [null, true],
			slack: [300, false],
			standard: [300, false],
			clerk: [300, false],
			resend: [300, false],
			openai: [300, false],
			polar: [300, false],
			supabase: [300, false],
			workos: [180, false],
			paddle: [300, false],
			lemonsqueezy: [null, true],
			chargebee: [null, true],
			postmark: [null, true],
			recurly: [300, false],
			razorpay: [null, true],
			paystack: [null, true],
			// The event id is inside the signed body.
			square: [null, false],
			twilio: [null, true],
			sendgrid: [600, false],
			// The signature covers timestamp + token, not the event data.
			mailgun: [86_400, true],
			discord: [300, false],
			linear: [60, false],
			intercom: [null, false],
			vercel: [null, false],
			segment: [null, false],
			hubspot: [300, false],
			zoom: [300, false],
			typeform: [null, false],
			calendly: [180, false],
			gitlab: [null, true],
			bitbucket: [null, true],
			twitch: [600, false],
		});
	});

	it("ships only valid default mapping rules", () => {
		for (const kind of PRESET_KINDS) {
			for (const [type, rule] of Object.entries(PRESETS[kind].mappings)) {
				expect(mappingRuleSchema.safeParse(rule).success, `${kind} ${type}`).toBe(true);
			}
		}
	});

	it("returns undefined for an unknown or inherited kind", () => {
		expect(getPreset("paypal")).toBeUndefined();
		expect(getPreset("constructor")).toBeUndefined();
		expect(getPreset("stripe")?.kind).toBe("stripe");
	});
});

describe("parseJsonBody", () => {
	it("parses UTF-8 JSON, with or without a byte-order mark", () => {
		expect(parseJsonBody(utf8('{"a":"é"}'))).toEqual({ a: "é" });
		expect(parseJsonBody(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"a":1}')]))).toEqual({ a: 1 });
	});

	it("parses a form body's fields, the last of a repeated name winning", () => {
		expect(parseFormBody(utf8("A=1&B=caf%C3%A9+au+lait&A=2"))).toEqual({ A: "2", B: "café au lait" });
		expect(parseFormBody(new Uint8Array([0x41, 0x3d, 0xff]))).toBeUndefined();
	});

	it("returns undefined for a body that is not JSON", () => {
		expect(parseJsonBody(utf8("token=x&team_id=T1"))).toBeUndefined();
		expect(parseJsonBody(new Uint8Array())).toBeUndefined();
	});
});

// The named transforms a mapping rule may apply to the value it read
// (TRANSFORMS in ./mapping-rules.ts). Pure.
import type { TransformName } from "./mapping-rules";

// Decimal places of the minor unit, where it is not 2. Zero- and three-decimal
// currencies as Stripe bills them (Stripe's "zero-decimal" and
// "three-decimal" lists); ISO 4217 agrees for these.
const ZERO_DECIMAL = new Set([
	"BIF",
	"CLP",
	"DJF",
	"GNF",
	"JPY",
	"KMF",
	"KRW",
	"MGA",
	"PYG",
	"RWF",
	"UGX",
	"VND",
	"VUV",
	"XAF",
	"XOF",
	"XPF",
]);
const THREE_DECIMAL = new Set(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"]);

export function currencyExponent(currency: string | undefined): number {
	if (currency === undefined) return 2;
	const code = currency.toUpperCase();
	if (ZERO_DECIMAL.has(code)) return 0;
	if (THREE_DECIMAL.has(code)) return 3;
	return 2;
}

export type TransformOutcome = { ok: true; value: unknown } | { ok: false; message: string };

export function numeric(value: unknown): number | undefined {
	if (typeof value === "number" && Number.isFinite(value)) return value;
	if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
	return undefined;
}

export function minorToMajor(minor: number, currency: string | undefined): number {
	const exponent = currencyExponent(currency);
	// toFixed drops float noise (1999 / 100 → 19.99, not 19.990000000000002).
	return Number((minor / 10 ** exponent).toFixed(exponent));
}

export function applyTransform(name: TransformName, value: unknown, currency: string | undefined): TransformOutcome {
	switch (name) {
		case "minorToMajor": {
			const n = numeric(value);
			if (n === undefined || !Number.isInteger(n)) {
				return { ok: false, message: `minorToMajor needs an integer amount in minor units, got ${describeValue(value)}` };
			}
			return { ok: true, value: minorToMajor(n, currency) };
		}
		case "unixSecondsToIso": {
			const n = numeric(value);
			if (n === undefined || n < 0 || n > 253402300799) {
				return { ok: false, message: `unixSecondsToIso needs unix seconds, got ${describeValue(value)}` };
			}
			return { ok: true, value: new Date(n * 1000).toISOString() };
		}
		case "lowercase":
		case "uppercase":
			if (typeof value !== "string") return { ok: false, message: `${name} needs a string, got ${describeValue(value)}` };
			return { ok: true, value: name === "lowercase" ? value.toLowerCase() : value.toUpperCase() };
		case "string":
			if (typeof value === "string") return { ok: true, value };
			if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) {
				// JSON.parse already rounded it: the digits would be wrong.
				return { ok: false, message: `string got ${value}, an integer too large to be exact after JSON parsing` };
			}
			if ((typeof value === "number" && Number.isFinite(value)) || typeof value === "boolean") {
				return { ok: true, value: String(value) };
			}
			return { ok: false, message: `string needs a string, number or boolean, got ${describeValue(value)}` };
	}
}

export function describeValue(value: unknown): string {
	if (Array.isArray(value)) return "an array";
	if (value === null) return "null";
	if (typeof value === "object") return "an object";
	if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
	return String(value);
}

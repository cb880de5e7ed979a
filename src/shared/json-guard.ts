// A pre-parse guard over raw JSON text, run before JSON.parse.
//
// Why: JSON.parse accepts bodies the rest of the Worker cannot handle safely.
// Deeply nested input makes every recursive walker after it (zod, hashing,
// logging) overflow the stack, and a number such as 9007199254740993 or 1e400
// parses without error into a different value (9007199254740992, Infinity), so
// the event we enqueue is not the event the sender signed. Refusing both with
// a clear 400 lets the sender fix the body instead of losing data silently.
//
// The guard is ONE forward pass with a counter and a stack capped at the depth
// limit — no recursion — so 200,000 opening brackets are refused after 65
// characters. It does not validate JSON (JSON.parse still does that after it),
// never throws, and skips string contents (with their \" \\ \uXXXX escapes),
// so brackets and digits inside strings count for nothing.

export const DEFAULT_MAX_JSON_DEPTH = 64;
const LITERAL_PREVIEW_CHARS = 40;

export interface JsonGuardOptions {
	// Most containers ({ or [) open at once; a bare scalar has depth 0.
	maxDepth?: number;
	// Refuse number literals that do not survive a trip through a double.
	rejectUnsafeNumbers?: boolean;
}

export interface JsonGuardOk {
	ok: true;
}

export interface JsonTooDeep {
	ok: false;
	code: "json_too_deep";
	limit: number;
	// UTF-16 index of the bracket that went past the limit.
	offset: number;
	message: string;
}

export interface JsonUnsafeNumber {
	ok: false;
	code: "unsafe_number";
	// RFC 6901 JSON Pointer to the number ("" when the body is the number).
	path: string;
	// UTF-16 index where the literal starts.
	offset: number;
	// The literal as sent, cut to 40 characters (with "…" when cut).
	literal: string;
	message: string;
}

export type JsonGuardResult = JsonGuardOk | JsonTooDeep | JsonUnsafeNumber;

interface Frame {
	array: boolean;
	index: number;
	// Offsets of the raw key token (quotes included) of the member being read.
	keyStart: number;
	keyEnd: number;
	expectingKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export function guardJson(text: string, options: JsonGuardOptions = {}): JsonGuardResult {
	const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
	const rejectUnsafe = options.rejectUnsafeNumbers ?? true;
	const stack: Frame[] = [];
	const length = text.length;
	let i = 0;
	while (i < length) {
		const c = text.charCodeAt(i);
		if (c === QUOTE) {
			const start = i;
			i = skipString(text, i + 1);
			const top = stack[stack.length - 1];
			if (top && !top.array && top.expectingKey) {
				top.keyStart = start;
				top.keyEnd = i;
				top.expectingKey = false;
			}
			continue;
		}
		if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
			if (stack.length >= maxDepth) {
				return {
					ok: false,
					code: "json_too_deep",
					limit: maxDepth,
					offset: i,
					message: `JSON nesting is deeper than the limit of ${maxDepth} levels`,
				};
			}
			stack.push({ array: c === 0x5b, index: 0, keyStart: -1, keyEnd: -1, expectingKey: c === 0x7b });
			i++;
			continue;
		}
		if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
			stack.pop();
			i++;
			continue;
		}
		if (c === 0x2c /* , */) {
			const top = stack[stack.length - 1];
			if (top) {
				if (top.array) top.index++;
				else top.expectingKey = true;
			}
			i++;
			continue;
		}
		if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
			const start = i;
			i++;
			while (i < length && isNumberChar(text.charCodeAt(i))) i++;
			if (rejectUnsafe) {
				const literal = text.slice(start, i);
				if (!isSafeNumberLiteral(literal)) {
					const shown = literal.length > LITERAL_PREVIEW_CHARS ? `${literal.slice(0, LITERAL_PREVIEW_CHARS)}…` : literal;
					const path = pointerOf(text, stack);
					return {
						ok: false,
						code: "unsafe_number",
						path,
						offset: start,
						literal: shown,
						message: `The number ${shown} at ${path === "" ? "the top level" : path} cannot be held exactly by a 64-bit float; send it as a string`,
					};
				}
			}
			continue;
		}
		i++;
	}
	return { ok: true };
}

// Index just past the closing quote, or the text's length when unterminated.
function skipString(text: string, i: number): number {
	const length = text.length;
	while (i < length) {
		const c = text.charCodeAt(i);
		if (c === QUOTE) return i + 1;
		// The escaped character is skipped whatever it is; the four hex digits
		// of \uXXXX are neither quote nor backslash in valid JSON, and in
		// invalid JSON JSON.parse refuses the body anyway.
		i += c === BACKSLASH ? 2 : 1;
	}
	return length;
}

function isNumberChar(c: number): boolean {
	return (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
}

function pointerOf(text: string, stack: readonly Frame[]): string {
	let pointer = "";
	for (const frame of stack) {
		let token: string;
		if (frame.array) token = String(frame.index);
		else {
			let key = "";
			try {
				const decoded: unknown = frame.keyStart >= 0 ? JSON.parse(text.slice(frame.keyStart, frame.keyEnd)) : "";
				key = typeof decoded === "string" ? decoded : "";
			} catch {
				key = text.slice(frame.keyStart + 1, Math.max(frame.keyStart + 1, frame.keyEnd - 1));
			}
			token = key.replaceAll("~", "~0").replaceAll("/", "~1");
		}
		pointer += `/${token}`;
	}
	return pointer;
}

const JSON_NUMBER = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?)([0-9]+))?$/;
const SHORT_INTEGER = /^-?(?:0|[1-9][0-9]{0,14})$/;

// A literal is safe when its exact decimal value equals the exact decimal
// value of String(Number(literal)): what the Worker holds and writes back out
// is then the number the sender meant. Anything not shaped like a JSON number
// is left to JSON.parse to refuse, so it counts as safe here.
export function isSafeNumberLiteral(literal: string): boolean {
	if (SHORT_INTEGER.test(literal)) return true; // at most 15 digits: always exact
	const exact = decimalOf(literal);
	if (exact === null) return true;
	const n = Number(literal);
	if (!Number.isFinite(n)) return false;
	if (n === 0) return exact.digits === "";
	// A nonzero double's shortest form is short, and a literal whose exponent
	// needs more than 15 digits is far outside the double range (it became 0
	// or Infinity above), so every exponent left fits a safe integer.
	const held = decimalOf(String(n));
	if (held === null || exact.exponent === null) return false;
	return exact.negative === held.negative && exact.digits === held.digits && exact.exponent === held.exponent;
}

interface Decimal {
	negative: boolean;
	// Significant digits, no leading or trailing zeros; "" for zero.
	digits: string;
	// value = digits × 10^exponent; null when too large to compute exactly.
	exponent: number | null;
}

function decimalOf(literal: string): Decimal | null {
	const m = JSON_NUMBER.exec(literal);
	if (!m) return null;
	const [, sign = "", int = "", frac = "", expSign = "", expDigits = ""] = m;
	let digits = int + frac;
	let start = 0;
	while (start < digits.length && digits.charCodeAt(start) === 0x30) start++;
	let end = digits.length;
	while (end > start && digits.charCodeAt(end - 1) === 0x30) end--;
	const trailingZeros = digits.length - end;
	digits = digits.slice(start, end);
	if (digits === "") return { negative: false, digits: "", exponent: 0 };

	let expStart = 0;
	while (expStart < expDigits.length - 1 && expDigits.charCodeAt(expStart) === 0x30) expStart++;
	const expText = expDigits.slice(expStart);
	if (expText.length > 15) return { negative: sign === "-", digits, exponent: null };
	const written = expText === "" ? 0 : Number(expText) * (expSign === "-" ? -1 : 1);
	return { negative: sign === "-", digits, exponent: written - frac.length + trailingZeros };
}

// A UTF-8 BOM some senders put before their JSON. Provider bodies are kept
// with it, byte for byte as signed; JSON.parse refuses it, so every parse of
// a stored body goes through this.
const BOM = "\uFEFF";
export function withoutBom(text: string): string {
	return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

// JSON.parse of a body that may start with a BOM.
export function parseJsonText(text: string): unknown {
	return JSON.parse(withoutBom(text));
}

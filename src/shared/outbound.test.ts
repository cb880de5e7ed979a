import { describe, expect, it } from "vitest";
import { redactSecrets, SNIPPET_MAX_BYTES, truncateUtf8 } from "./outbound";

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe("response snippets", () => {
	it("keep at most 512 bytes and never cut a character in half", () => {
		const text = `${"a".repeat(511)}é and more`;
		const cut = truncateUtf8(text);
		expect(bytes(cut)).toBeLessThanOrEqual(SNIPPET_MAX_BYTES);
		expect(cut).toBe("a".repeat(511));
		expect(truncateUtf8("😀".repeat(200), 10)).toBe("😀😀");
		expect(truncateUtf8("short")).toBe("short");
	});

	it("replace every occurrence of a credential, the longest first, and leave short values alone", () => {
		expect(redactSecrets("token abc12345 and again abc12345", ["abc12345"])).toBe("token [redacted] and again [redacted]");
		// A secret that contains another is replaced whole, not in pieces.
		expect(redactSecrets("Bearer whsec_abcdef", ["abcd", "whsec_abcdef"])).toBe("Bearer [redacted]");
		expect(redactSecrets("a b c", ["a"])).toBe("a b c");
	});
});

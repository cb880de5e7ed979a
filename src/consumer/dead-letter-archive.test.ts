import { describe, expect, it } from "vitest";
import { deadLetterKey } from "./dead-letter-archive";

describe("R2 key of an archived dead letter", () => {
	it("is dead-letters/<UTC date of the write>/<queue message id>.json", () => {
		expect(deadLetterKey("0a1b2c", Date.parse("2026-11-27T23:59:59.999Z"))).toBe("dead-letters/2026-11-27/0a1b2c.json");
		expect(deadLetterKey("0a1b2c", Date.parse("2026-11-28T00:00:00.000Z"))).toBe("dead-letters/2026-11-28/0a1b2c.json");
	});

	it("keeps an odd message id inside its own key", () => {
		expect(deadLetterKey("../x/y", 0)).toBe("dead-letters/1970-01-01/..%2Fx%2Fy.json");
	});
});

import { describe, expect, it } from "vitest";
import { decideClaim, type StoredClaim } from "./claims";

const now = 1_000_000;
const claim = (state: StoredClaim["state"], body_hash = "h1", expires_at = now + 1): StoredClaim => ({
	state,
	body_hash,
	expires_at,
});

describe("idempotency claim decision", () => {
	it("treats an unseen id as new", () => {
		expect(decideClaim(null, "h1", now)).toBe("new");
	});

	it("answers duplicate for a committed id with the same body", () => {
		expect(decideClaim(claim("committed"), "h1", now)).toBe("duplicate");
	});

	it("answers conflict for the same id with a different body, pending or committed", () => {
		expect(decideClaim(claim("committed"), "h2", now)).toBe("conflict");
		expect(decideClaim(claim("pending"), "h2", now)).toBe("conflict");
	});

	it("answers in_flight while the first copy is still being enqueued", () => {
		expect(decideClaim(claim("pending"), "h1", now)).toBe("in_flight");
	});

	it("forgets claims once they expire", () => {
		expect(decideClaim(claim("committed", "h1", now), "h1", now)).toBe("new");
		expect(decideClaim(claim("pending", "h2", now - 5), "h1", now)).toBe("new");
	});
});

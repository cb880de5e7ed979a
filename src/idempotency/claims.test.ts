import { describe, expect, it } from "vitest";
import { bodyClaimKey, claimKeys, combineClaims, decideClaim, type StoredClaim } from "./claims";

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

describe("claims under an id and a body key", () => {
	it("claims the body key beside the id, in a key space no event id can reach", () => {
		expect(claimKeys({ eventId: "github:d1", bodyHash: "h" })).toEqual(["github:d1"]);
		const bodyKey = bodyClaimKey("github", "ab".repeat(32));
		expect(bodyKey).toBe(`github sha256:${"ab".repeat(32)}`);
		expect(bodyKey).toMatch(/\s/);
		expect(claimKeys({ eventId: "github:d1", bodyHash: "h", bodyKey })).toEqual(["github:d1", bodyKey]);
	});

	it("is new only when every key is new; else conflict, then in_flight, then duplicate", () => {
		expect(combineClaims(["new", "new"])).toBe("new");
		expect(combineClaims(["new", "duplicate"])).toBe("duplicate");
		expect(combineClaims(["duplicate", "in_flight"])).toBe("in_flight");
		expect(combineClaims(["conflict", "in_flight"])).toBe("conflict");
		expect(combineClaims(["new"])).toBe("new");
	});
});

import { describe, expect, it } from "vitest";
import { conflictWith } from "./conflicts";
import type { ProcessedEvent } from "./process";

const incoming = (over: Partial<ProcessedEvent["event"]> = {}) =>
	({ event_id: "evt_1", received_at: 2000, body_hash: "bbb", ...over }) as ProcessedEvent["event"];

describe("post-window conflict", () => {
	it("is a later acceptance of the same id with other content, named with both hashes", () => {
		const reason = conflictWith({ event_id: "evt_1", received_at: 1000, body_hash: "aaa" }, incoming());
		expect(reason).toMatch(/^id_conflict: /);
		expect(reason).toContain("stored sha256 aaa");
		expect(reason).toContain("received sha256 bbb");
	});

	it("is not a queue redelivery (same received_at), a same-content resend, a new id, or a row without a hash", () => {
		expect(conflictWith({ event_id: "evt_1", received_at: 2000, body_hash: "aaa" }, incoming())).toBeNull();
		expect(conflictWith({ event_id: "evt_1", received_at: 1000, body_hash: "bbb" }, incoming())).toBeNull();
		expect(conflictWith(undefined, incoming())).toBeNull();
		expect(conflictWith({ event_id: "evt_1", received_at: 1000, body_hash: null }, incoming())).toBeNull();
	});

	it("compares a row stored with the whole 64-character hash on the stored prefix", () => {
		const full = "a".repeat(32) + "f".repeat(32);
		const stored = (body_hash: string) => ({ event_id: "evt_1", received_at: 1000, body_hash });
		expect(conflictWith(stored(full), incoming({ body_hash: "a".repeat(32) }))).toBeNull();
		// One character off inside the prefix is other content.
		expect(conflictWith(stored(full), incoming({ body_hash: `${"a".repeat(31)}b` }))).toMatch(/^id_conflict: /);
	});
});

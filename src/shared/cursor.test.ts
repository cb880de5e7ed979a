import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, nextCursor } from "./cursor";
import { ApiError } from "./errors";

describe("keyset cursor", () => {
	it("round-trips a key and stays URL-safe", () => {
		const cursor = encodeCursor({ at: 1_764_237_600_123, id: 987_654 });
		expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
		expect(decodeCursor(cursor)).toEqual({ at: 1_764_237_600_123, id: 987_654 });
		expect(decodeCursor(undefined)).toBeNull();
	});

	it("rejects anything it did not issue, naming the parameter", () => {
		for (const bad of ["", "!!!", btoa("12"), btoa("a:b")]) {
			try {
				decodeCursor(bad);
				expect.unreachable(`accepted ${bad}`);
			} catch (err) {
				expect(err).toBeInstanceOf(ApiError);
				expect((err as ApiError).details).toMatchObject({ fields: [{ field: "cursor" }] });
			}
		}
	});

	it("only offers a next page when one more row than the limit came back", () => {
		const rows = [1, 2, 3].map((n) => ({ at: n * 10, id: n }));
		expect(nextCursor(rows, 3, (r) => r)).toBeNull();
		expect(decodeCursor(nextCursor(rows, 2, (r) => r) ?? undefined)).toEqual({ at: 20, id: 2 });
	});
});

import { ApiError } from "./errors";

// Keyset cursor: the (time, rowid) of the last row on a page, newest first.
// Opaque to clients (base64url), checked on the way back in.
export interface Keyset {
	at: number;
	id: number;
}

export function encodeCursor(key: Keyset): string {
	return btoa(`${key.at}:${key.id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string | undefined): Keyset | null {
	if (cursor === undefined) return null;
	let text = "";
	try {
		text = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
	} catch {
		// falls through to the error below
	}
	const match = /^(-?\d{1,16}):(\d{1,19})$/.exec(text);
	if (!match) {
		throw new ApiError(400, {
			code: "validation_failed",
			message: "Invalid field(s): cursor",
			details: {
				fields: [{ field: "cursor", message: "not a cursor this API issued" }],
			},
		});
	}
	return { at: Number(match[1]), id: Number(match[2]) };
}

// The cursor for the next page, or null when this page was the last.
export function nextCursor<R>(rows: readonly R[], limit: number, keyOf: (row: R) => Keyset): string | null {
	const last = rows[limit - 1];
	return rows.length > limit && last ? encodeCursor(keyOf(last)) : null;
}

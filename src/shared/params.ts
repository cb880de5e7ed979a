import { z } from "zod";

// Query parameters shared by the admin list routes. Query values arrive as
// strings; these schemas coerce them and name the parameter when they fail.

// An instant as ISO 8601 with a zone, or as Unix epoch milliseconds (a
// number in JSON bodies, digits in query strings).
export const instant = z
	.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{1,15}$/), z.number().int().nonnegative()], {
		error: "must be an ISO 8601 date-time with a zone, or epoch milliseconds",
	})
	.transform((value) => (typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value)));

export const pageLimit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export const timeRange = {
	from: instant.optional().describe("Inclusive lower bound (ISO 8601 with zone, or epoch ms)"),
	to: instant.optional().describe("Exclusive upper bound (ISO 8601 with zone, or epoch ms)"),
};

export const cursorParam = z.string().max(200).optional().describe("Opaque cursor from the previous page's next_cursor");

export const idParam = z.object({ id: z.coerce.number().int().positive() });

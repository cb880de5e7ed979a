import * as z from "../zod/mini";

// Query parameters shared by the admin list routes. Query values arrive as
// strings; these schemas coerce them and name the parameter when they fail.

// An instant as ISO 8601 with a zone, or as Unix epoch milliseconds (a
// number in JSON bodies, digits in query strings).
export const instant = z.pipe(
	z.union([z.iso.datetime({ offset: true }), z.string().check(z.regex(/^\d{1,15}$/)), z.int().check(z.nonnegative())], {
		error: "must be an ISO 8601 date-time with a zone, or epoch milliseconds",
	}),
	z.transform((value: string | number) => (typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : Date.parse(value))),
);

export const pageLimit = (max: number, fallback: number) => z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(max)), fallback);

export const timeRange = {
	from: z.optional(instant).check(z.describe("Inclusive lower bound (ISO 8601 with zone, or epoch ms)")),
	to: z.optional(instant).check(z.describe("Exclusive upper bound (ISO 8601 with zone, or epoch ms)")),
};

export const cursorParam = z
	.optional(z.string().check(z.maxLength(200)))
	.check(z.describe("Opaque cursor from the previous page's next_cursor"));

export const idParam = z.object({ id: z.coerce.number().check(z.int(), z.positive()) });

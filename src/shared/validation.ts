import type { ValidationTargets } from "hono";
import { validator } from "hono-openapi";
import type * as z from "../zod/mini";
import { ApiError } from "./errors";

export interface FieldIssue {
	field: string;
	message: string;
}

// Flattens zod issues into one entry per bad field, with dotted paths.
export function fieldIssues(error: { issues: readonly z.core.$ZodIssue[] }, prefix = ""): FieldIssue[] {
	return error.issues.map((issue) => ({
		field: prefix + (issue.path.length ? issue.path.map(String).join(".") : "(root)"),
		message: issue.message,
	}));
}

// Validator hook: one 400 naming every bad field. Takes zod's error (from a
// safeParse, as ingest's validatedJson runs it) or the Standard Schema issue
// list (from hono-openapi's validator); zod hands its own issues to both, so
// one formatter serves.
export function rejectInvalid(result: { success: boolean; error?: z.core.$ZodError | readonly unknown[] }): void {
	if (result.success || !result.error) return;
	const issues = (Array.isArray(result.error) ? result.error : (result.error as z.core.$ZodError).issues) as z.core.$ZodIssue[];
	const fields = fieldIssues({ issues });
	throw new ApiError(400, {
		code: "validation_failed",
		message: `Invalid field(s): ${fields.map((f) => f.field).join(", ")}`,
		details: { fields },
	});
}

// Validates one part of the request with a zod schema and records the schema
// for the OpenAPI document, so what is checked and what is documented are the
// same object.
export function validated<S extends z.ZodMiniType, T extends keyof ValidationTargets>(target: T, schema: S) {
	return validator(target, schema, rejectInvalid);
}

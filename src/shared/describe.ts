import type { MiddlewareHandler } from "hono";
import { describeRoute, resolver } from "hono-openapi";
import type * as z from "../zod/mini";
import { errorSchema } from "./errors";

// Route documentation next to the route, from the same zod schemas the code
// validates with and answers with. Request parameters come from the route's
// validators; this adds summary, tags and responses.
export interface RouteDoc {
	summary: string;
	description?: string;
	tags: string[];
	// status → [description, JSON schema of the body]; errors default to the error shape.
	responses: Record<number, readonly [string, z.ZodMiniType?]>;
	// Who may call it: the admin bearer token (default), a signed webhook, anyone.
	auth?: "admin" | "signature" | "none";
	requestBody?: z.ZodMiniType;
	// Non-JSON success bodies (Prometheus text, HTML).
	mediaType?: string;
}

const ADMIN_ERRORS: RouteDoc["responses"] = {
	401: ["Missing or invalid bearer token"],
	503: ["ADMIN_TOKEN is not set: the admin API is off"],
};

export function documented(doc: RouteDoc): MiddlewareHandler {
	const auth = doc.auth ?? "admin";
	const all = { ...(auth === "admin" ? ADMIN_ERRORS : {}), ...doc.responses };
	const responses = Object.fromEntries(
		Object.entries(all).map(([status, [description, schema]]) => {
			const success = Number(status) < 400;
			if (success && doc.mediaType) return [status, { description, content: { [doc.mediaType]: { schema: { type: "string" as const } } } }];
			if (success && !schema) return [status, { description }];
			return [status, { description, content: { "application/json": { schema: resolver(schema ?? errorSchema) } } }];
		}),
	);
	return describeRoute({
		summary: doc.summary,
		description: doc.description,
		tags: doc.tags,
		security: auth === "admin" ? [{ adminToken: [] }] : auth === "signature" ? [{ webhookSignature: [] }] : [],
		responses,
		...(doc.requestBody ? { requestBody: { required: true, content: { "application/json": { schema: resolver(doc.requestBody) } } } } : {}),
	});
}

import type { MiddlewareHandler } from "hono";
import { type DescribeRouteOptions, describeRoute, resolver } from "hono-openapi";
import type * as z from "../zod/mini";
import { errorSchema } from "./errors";

// Route documentation next to the route, from the same zod schemas the code
// validates with and answers with. Request parameters come from the route's
// validators; this adds summary, tags and responses.
export interface RouteDoc {
	summary: string;
	// A function when the text is built from schemas (the event-type table):
	// it runs when the OpenAPI document is built, never at startup.
	description?: string | (() => string);
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

type Auth = NonNullable<RouteDoc["auth"]>;

function responsesOf(doc: RouteDoc, auth: Auth): NonNullable<DescribeRouteOptions["responses"]> {
	const all = { ...(auth === "admin" ? ADMIN_ERRORS : {}), ...doc.responses };
	return Object.fromEntries(
		Object.entries(all).map(([status, [description, schema]]) => {
			const success = Number(status) < 400;
			if (success && doc.mediaType) return [status, { description, content: { [doc.mediaType]: { schema: { type: "string" as const } } } }];
			if (success && !schema) return [status, { description }];
			return [status, { description, content: { "application/json": { schema: resolver(schema ?? errorSchema) } } }];
		}),
	);
}

// The spec's description, responses and request body are getters: hono-openapi
// reads them only when it builds the document (it spreads the spec), so
// serving a request never resolves a schema or renders a description.
export function documented(doc: RouteDoc): MiddlewareHandler {
	const auth = doc.auth ?? "admin";
	const { requestBody } = doc;
	return describeRoute({
		summary: doc.summary,
		get description() {
			return typeof doc.description === "function" ? doc.description() : doc.description;
		},
		tags: doc.tags,
		security: auth === "admin" ? [{ adminToken: [] }] : auth === "signature" ? [{ webhookSignature: [] }] : [],
		get responses() {
			return responsesOf(doc, auth);
		},
		// undefined without a body, which hono-openapi skips like an absent key.
		get requestBody() {
			return requestBody && { required: true, content: { "application/json": { schema: resolver(requestBody) } } };
		},
	});
}

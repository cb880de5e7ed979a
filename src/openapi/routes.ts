import { Hono } from "hono";
import { generateSpecs } from "hono-openapi";
import { documented } from "../shared/describe";
import { errorSchema } from "../shared/errors";
import * as z from "../zod/mini";
import { renderReference, type SpecLike } from "./reference-page";

const DOCUMENTATION = {
	info: {
		title: "Edge webhook pipeline",
		version: "1.0.0",
		description:
			"Webhook ingest (HMAC-signed), admin API (bearer ADMIN_TOKEN) and Prometheus metrics of a Cloudflare Workers pipeline: Hono ingest → Durable Object idempotency → Queues → D1.",
	},
	components: {
		securitySchemes: {
			adminToken: { type: "http" as const, scheme: "bearer", description: "The ADMIN_TOKEN Worker secret" },
			webhookSignature: {
				type: "apiKey" as const,
				in: "header" as const,
				name: "X-Webhook-Signature",
				description: "Hex HMAC-SHA256 of the raw body with WEBHOOK_SECRET (optional sha256= prefix)",
			},
		},
	},
};

// The document is built once per isolate from the routes themselves: their
// validators and documented() descriptions carry the zod schemas. `app`
// gives the app with every route mounted (src/app.ts serves some lazily).
export function openApiRoutes(app: () => Promise<Hono<{ Bindings: Env }>>) {
	let spec: Promise<SpecLike & Record<string, unknown>> | undefined;
	const documentOf = () =>
		(spec ??= app()
			.then((full) =>
				generateSpecs(full, {
					documentation: DOCUMENTATION,
					defaultValidationErrorResponse: {
						description: "Invalid parameter(s): `fields` names each one",
						content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
					},
				}),
			)
			.then((doc) => {
				const components = (doc.components ?? {}) as Record<string, Record<string, unknown>>;
				return {
					...doc,
					components: { ...components, schemas: { ...components.schemas, Error: errorJsonSchema() } },
				} as unknown as SpecLike & Record<string, unknown>;
			}));
	return new Hono<{ Bindings: Env }>()
		.get("/openapi.json", (c) => documentOf().then((doc) => c.json(doc)))
		.get(
			"/docs",
			documented({
				summary: "This API reference, rendered as HTML",
				tags: ["Reference"],
				auth: "none",
				mediaType: "text/html",
				responses: { 200: ["HTML page"] },
			}),
			async (c) => c.html(renderReference(await documentOf())),
		);
}

// The error shape every route answers with, referenced by the 400s; built
// with the document, not at startup.
function errorJsonSchema() {
	const { $schema: _dialect, ...schema } = z.toJSONSchema(errorSchema, { target: "draft-2020-12" });
	return schema;
}

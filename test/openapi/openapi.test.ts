import { describe, expect, it } from "vitest";
import { WINDOWS } from "../../src/admin/stats-math";
import { documentedApp } from "../../src/app";
import { admin } from "../admin/helpers";

type Doc = {
	openapi: string;
	paths: Record<
		string,
		Record<
			string,
			{
				security?: unknown[];
				parameters?: { name: string; in: string }[];
				requestBody?: { content: Record<string, { schema: any }> };
				responses: Record<string, unknown>;
			}
		>
	>;
};

const toOpenApiPath = (path: string) => path.replace(/:(\w+)/g, "{$1}");

async function document(): Promise<Doc> {
	const res = await admin("/openapi.json", { token: null });
	expect(res.status).toBe(200);
	return (await res.json()) as Doc;
}

describe("OpenAPI description", () => {
	it("is OpenAPI 3.1 and describes every route the Worker serves", async () => {
		const doc = await document();
		expect(doc.openapi).toBe("3.1.0");
		const served = new Set(
			(await documentedApp()).routes
				.filter((r) => r.method !== "ALL" && !r.path.includes("*") && r.path !== "/openapi.json")
				// The 405 answers for other methods on the ingest paths are not operations.
				.filter((r) => !(r.path.startsWith("/webhook/") && r.method !== "POST"))
				.map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`),
		);
		const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)));
		expect([...served].filter((op) => !documented.has(op))).toEqual([]);
		for (const op of [
			"post /webhook/events",
			"post /webhook/batch",
			"get /health",
			"get /api/health",
			"get /api/stats",
			"get /api/events",
			"post /api/replay",
			"get /metrics",
		]) {
			expect(documented).toContain(op);
		}
	});

	it("derives parameters and bodies from the schemas the routes validate with", async () => {
		const doc = await document();
		const stats = doc.paths["/api/stats"]!.get!;
		const window = stats.parameters?.find((p) => p.name === "window") as { schema: { enum: string[] } } | undefined;
		expect(window?.schema.enum).toEqual(Object.keys(WINDOWS));
		expect(doc.paths["/api/events"]!.get!.parameters?.map((p) => p.name)).toEqual([
			"type",
			"source",
			"status",
			"user_id",
			"from",
			"to",
			"limit",
			"cursor",
		]);
		expect(doc.paths["/api/dead-letters/{id}/replay"]!.post!.parameters).toMatchObject([{ name: "id", in: "path" }]);
		const envelope = doc.paths["/webhook/events"]!.post!.requestBody!.content["application/json"]!.schema;
		expect(envelope.required).toEqual(["event_id", "event_type", "timestamp"]);
		expect(envelope.properties.event_id.maxLength).toBe(200);
		expect(doc.paths["/api/replay"]!.post!.requestBody!.content["application/json"]!.schema.required).toEqual(["from", "to"]);
	});

	it("marks admin routes with the bearer token, ingest with the signature, health as public", async () => {
		const doc = await document();
		expect(doc.paths["/api/events"]!.get!.security).toEqual([{ adminToken: [] }]);
		expect(doc.paths["/metrics"]!.get!.security).toEqual([{ adminToken: [] }]);
		expect(doc.paths["/api/events"]!.get!.responses).toHaveProperty("401");
		expect(doc.paths["/webhook/events"]!.post!.security).toEqual([{ webhookSignature: [] }]);
		expect(doc.paths["/health"]!.get!.security).toEqual([]);
	});

	it("is served for every path it documents: the lazily loaded operator routes too", async () => {
		const doc = await document();
		const gets = Object.entries(doc.paths).flatMap(([path, ops]) => ("get" in ops ? [path.replace(/\{\w+\}/g, "1")] : []));
		expect(gets).toContain("/api/stats");
		for (const path of gets) {
			const res = await admin(path);
			const body = res.headers.get("content-type")?.includes("json") ? ((await res.json()) as { error?: string }) : {};
			expect(body.error, `GET ${path}`).not.toBe("not_found");
		}
	});

	it("renders a self-contained reference page listing every path", async () => {
		const doc = await document();
		const res = await admin("/docs", { token: null });
		expect(res.headers.get("content-type")).toContain("text/html");
		const html = await res.text();
		for (const path of Object.keys(doc.paths)) expect(html).toContain(`<code>${path}</code>`);
		expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
	});
});

describe("event types in the reference", () => {
	it("documents each type's required and optional fields on POST /webhook/events", async () => {
		const description = ((await document()).paths["/webhook/events"]?.post as { description?: string } | undefined)?.description ?? "";
		for (const type of ["user_signup", "subscription_created", "usage_tracked", "payment_failed"]) expect(description).toContain(type);
		expect(description).toContain("metadata.feature");
	});
});

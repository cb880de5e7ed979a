import { describe, expect, it } from "vitest";
import { renderReference } from "./reference-page";

const spec = {
	info: { title: "Pipeline <API>", version: "1.0.0" },
	paths: {
		"/api/events": {
			get: {
				summary: "List events",
				tags: ["Events"],
				security: [{ adminToken: [] }],
				parameters: [{ name: "limit", in: "query", schema: { type: "integer" } }],
				responses: { 200: { description: "A page", content: { "application/json": { schema: { type: "object" } } } } },
			},
		},
		"/health": { get: { summary: "Health", tags: ["Health"], responses: { 200: { description: "ok" } } } },
	},
};

describe("API reference page", () => {
	const html = renderReference(spec);

	it("lists every operation under its tag, with parameters and responses", () => {
		expect(html).toContain('<h2 id="tag-Events">Events</h2>');
		expect(html).toContain("<code>/api/events</code>");
		expect(html).toContain("<code>limit</code>");
		expect(html).toContain("A page");
		expect(html).toContain("<code>/health</code>");
	});

	it("marks admin routes and escapes text from the document", () => {
		expect(html).toContain("admin token");
		expect(html).toContain("Pipeline &lt;API&gt;");
		expect(html).not.toContain("<API>");
	});

	it("is self-contained: no scripts and no external resources", () => {
		expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
	});
});

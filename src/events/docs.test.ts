import { describe, expect, it } from "vitest";
import { describeEventType, eventTypesMarkdown } from "./docs";
import { registry } from "./registry";

describe("event type field documentation", () => {
	it("has a row for every registered event type, and one for unknown types", () => {
		const table = eventTypesMarkdown();
		const rows = table.split("\n").slice(2);
		expect(registry.size).toBeGreaterThan(0);
		for (const type of registry.keys()) expect(rows.filter((r) => r.startsWith(`| \`${type}\` |`))).toHaveLength(1);
		expect(rows).toHaveLength(registry.size + 1);
		expect(rows.at(-1)).toContain("unhandled");
	});

	it("lists each type's required and optional fields from its schema", () => {
		const byType = (type: string) => describeEventType(registry.get(type)!);
		const required = (type: string) =>
			byType(type)
				.fields.filter((f) => f.required)
				.map((f) => f.path);
		const optional = (type: string) =>
			byType(type)
				.fields.filter((f) => !f.required)
				.map((f) => f.path);

		expect(required("subscription_created")).toEqual(["metadata.plan", "metadata.amount", "metadata.currency", "metadata.interval"]);
		expect(optional("subscription_created")).toEqual(expect.arrayContaining(["user_id", "metadata.subscription_id", "metadata.status"]));
		expect(byType("subscription_created").note).toContain("user_id or metadata.subscription_id");

		expect(required("user_signup")).toEqual(["user_id"]);
		expect(optional("user_signup")).toEqual(["metadata.email", "metadata.plan", "metadata.source"]);

		expect(required("usage_tracked")).toEqual([]);
		const usage = byType("usage_tracked").fields;
		expect(usage.find((f) => f.path === "metadata.feature")?.summary).toContain('default "unnamed"');
		expect(usage.find((f) => f.path === "metadata.quantity")?.summary).toMatch(/number ≥ 0.*default 1/);
	});

	it("renders a markdown table whose every row has the header's four columns", () => {
		const lines = eventTypesMarkdown().split("\n");
		const columns = (line: string) => line.replace(/\\\|/g, "").split("|").length;
		for (const line of lines) expect(columns(line), line).toBe(columns(lines[0]!));
	});
});

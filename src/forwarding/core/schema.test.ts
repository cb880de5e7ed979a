import { describe, expect, it } from "vitest";
import {
	applyPatch,
	DEFAULT_MAX_ATTEMPTS,
	type DestinationCreate,
	destinationCreateSchema,
	destinationPatchSchema,
	isForbiddenHeaderName,
	MAX_ATTEMPTS_LIMIT,
} from "./schema";

const minimal = { name: "Warehouse", url: "https://example.com/hooks", event_types: ["user_signup"] };

const create = (overrides: Record<string, unknown>) => destinationCreateSchema.safeParse({ ...minimal, ...overrides });
const issuePaths = (r: { success: boolean; error?: { issues: readonly { path: PropertyKey[] }[] } }) =>
	r.error?.issues.map((i) => i.path.map(String).join(".")) ?? [];

describe("destination create schema", () => {
	it("fills the defaults: every source, no auth, event format, enabled, 8 attempts", () => {
		expect(destinationCreateSchema.parse(minimal)).toEqual({
			...minimal,
			sources: ["*"],
			auth: { type: "none" },
			format: "event",
			enabled: true,
			max_attempts: DEFAULT_MAX_ATTEMPTS,
		});
		expect(DEFAULT_MAX_ATTEMPTS).toBe(8);
	});

	it("requires a name, a url and at least one event type", () => {
		const r = destinationCreateSchema.safeParse({});
		expect(issuePaths(r).sort()).toEqual(["event_types", "name", "url"]);
		expect(create({ event_types: [] }).success).toBe(false);
		expect(create({ name: "   " }).success).toBe(false);
	});

	it("refuses unknown fields", () => {
		expect(issuePaths(create({ secret: "whsec_x" }))).toEqual([""]);
	});

	it("accepts https anywhere", () => {
		expect(create({ url: "https://hooks.example.com:8443/a?b=c" }).data?.url).toBe("https://hooks.example.com:8443/a?b=c");
	});

	it("accepts plain http only on loopback, normalising the host", () => {
		expect(create({ url: "http://localhost:3000/in" }).success).toBe(true);
		expect(create({ url: "http://127.0.0.1/in" }).success).toBe(true);
		expect(create({ url: "http://127.255.1.2/in" }).success).toBe(true);
		expect(create({ url: "http://[::1]:8080/in" }).success).toBe(true);
		expect(create({ url: "http://[0:0:0:0:0:0:0:1]/in" }).data?.url).toBe("http://[::1]/in");
		expect(create({ url: "http://127.1/in" }).data?.url).toBe("http://127.0.0.1/in");
	});

	it("refuses plain http elsewhere, other schemes, relative URLs and embedded credentials", () => {
		for (const url of [
			"http://example.com/in",
			"http://128.0.0.1/in",
			"http://10.0.0.1/in",
			"http://localhost.example.com/in",
			"http://[::2]/in",
			"ftp://example.com/in",
			"/relative",
			"not a url",
			"https://user:pw@example.com/in",
		]) {
			expect(issuePaths(create({ url })), url).toEqual(["url"]);
		}
	});

	it("accepts event types and sources with * wildcards, refuses other characters", () => {
		expect(create({ event_types: ["user_signup", "subscription_*", "*"], sources: ["stripe", "app-*"] }).success).toBe(true);
		expect(issuePaths(create({ event_types: ["user signup"] }))).toEqual(["event_types.0"]);
		expect(issuePaths(create({ sources: ["Stripe"] }))).toEqual(["sources.0"]);
		expect(issuePaths(create({ sources: [] }))).toEqual(["sources"]);
	});

	it("accepts the three auth shapes", () => {
		expect(create({ auth: { type: "none" } }).success).toBe(true);
		expect(create({ auth: { type: "bearer", token: "abc.def-123" } }).data?.auth).toEqual({ type: "bearer", token: "abc.def-123" });
		expect(create({ auth: { type: "header", name: "X-Api-Key", value: "k 1" } }).success).toBe(true);
		expect(create({ auth: { type: "header", name: "Authorization", value: "Basic dTpw" } }).success).toBe(true);
	});

	it("refuses bearer tokens and header values that could inject headers", () => {
		expect(create({ auth: { type: "bearer", token: "a\r\nX-Evil: 1" } }).success).toBe(false);
		expect(create({ auth: { type: "bearer", token: "a b" } }).success).toBe(false);
		expect(create({ auth: { type: "header", name: "X-Key", value: "v\nX-Evil: 1" } }).success).toBe(false);
		expect(create({ auth: { type: "header", name: "X-Key", value: " padded" } }).success).toBe(false);
		expect(create({ auth: { type: "header", name: "X Key", value: "v" } }).success).toBe(false);
		expect(create({ auth: { type: "basic", user: "u" } }).success).toBe(false);
	});

	it("refuses hop-by-hop, forbidden and forwarder-owned header names in any case", () => {
		for (const name of [
			"Host",
			"content-length",
			"Connection",
			"Transfer-Encoding",
			"TE",
			"Upgrade",
			"Webhook-Signature",
			"webhook-id",
			"Proxy-Authorization",
			"Sec-Fetch-Mode",
			"Content-Type",
			"CF-Connecting-IP",
			"X-Forwarded-For",
			"Cookie",
		]) {
			expect(isForbiddenHeaderName(name), name).toBe(true);
			expect(issuePaths(create({ auth: { type: "header", name, value: "v" } })), name).toEqual(["auth.name"]);
		}
		expect(isForbiddenHeaderName("X-Api-Key")).toBe(false);
	});

	it("accepts the dashboard format and bounds max_attempts", () => {
		expect(create({ format: "dashboard" }).success).toBe(true);
		expect(create({ format: "csv" }).success).toBe(false);
		expect(create({ max_attempts: 1 }).success).toBe(true);
		expect(create({ max_attempts: MAX_ATTEMPTS_LIMIT }).success).toBe(true);
		expect(create({ max_attempts: 0 }).success).toBe(false);
		expect(create({ max_attempts: MAX_ATTEMPTS_LIMIT + 1 }).success).toBe(false);
		expect(create({ max_attempts: 2.5 }).success).toBe(false);
	});
});

describe("destination patch schema", () => {
	const stored: DestinationCreate = destinationCreateSchema.parse({ ...minimal, auth: { type: "bearer", token: "t" } });

	it("applies no defaults, so absent fields stay as stored", () => {
		const patch = destinationPatchSchema.parse({ enabled: false });
		expect(patch).toEqual({ enabled: false });
		expect(applyPatch(stored, patch)).toEqual({ ...stored, enabled: false });
	});

	it("validates the fields it names like create does", () => {
		expect(destinationPatchSchema.safeParse({ url: "http://example.com" }).success).toBe(false);
		expect(destinationPatchSchema.safeParse({ auth: { type: "header", name: "Host", value: "x" } }).success).toBe(false);
		expect(destinationPatchSchema.safeParse({ max_attempts: 0 }).success).toBe(false);
	});

	it("replaces auth as a whole and normalises the url", () => {
		const patched = applyPatch(stored, destinationPatchSchema.parse({ auth: { type: "none" }, url: "http://127.1:9/x" }));
		expect(patched.auth).toEqual({ type: "none" });
		expect(patched.url).toBe("http://127.0.0.1:9/x");
	});

	it("refuses an empty patch and unknown fields", () => {
		expect(destinationPatchSchema.safeParse({}).success).toBe(false);
		expect(destinationPatchSchema.safeParse({ id: "dst_1" }).success).toBe(false);
	});
});

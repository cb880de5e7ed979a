import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDestination } from "../../src/forwarding/store";
import { activeSecrets, sign } from "../../src/shared/standard-webhooks";
import { admin, adminJson, expectBadParam } from "../admin/helpers";
import { createDestination, uniqueSource } from "./helpers";

const TOKEN = "tok_0123456789abcdefghij";

describe("/api/destinations", () => {
	it("creates a destination with 201 and a whsec_ secret that GET never shows again, nor the auth token", async () => {
		const created = await createDestination({ event_types: ["user_*"], auth: { type: "bearer", token: TOKEN } });
		expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
		expect(created).toMatchObject({
			event_types: ["user_*"],
			sources: ["*"],
			format: "event",
			enabled: true,
			max_attempts: 8,
			paused: null,
		});

		const shown = await admin(`/api/destinations/${created.id}`);
		const text = await shown.text();
		expect(shown.status).toBe(200);
		expect(text).not.toContain(created.secret.slice(6));
		expect(text).not.toContain(TOKEN);
		expect(JSON.parse(text)).toMatchObject({
			auth: { type: "bearer", token: "…ghij" },
			secrets: [{ hint: `${created.secret.slice(0, 10)}…` }],
		});
		const list = await admin("/api/destinations");
		expect(await list.text()).not.toContain(TOKEN);
	});

	it("refuses unsafe URLs, forbidden headers and unknown fields, naming each", async () => {
		const post = (body: unknown) => ({ method: "POST", body: JSON.stringify({ name: "x", event_types: ["*"], ...(body as object) }) });
		await expectBadParam("/api/destinations", "url", post({ url: "http://example.com/hook" }));
		await expectBadParam("/api/destinations", "url", post({ url: "https://user:pw@example.com/hook" }));
		await expectBadParam(
			"/api/destinations",
			"auth.name",
			post({ url: "https://example.com", auth: { type: "header", name: "webhook-signature", value: "x" } }),
		);
		await expectBadParam("/api/destinations", "event_types", post({ url: "https://example.com", event_types: [] }));
		await expectBadParam("/api/destinations", "(root)", post({ url: "https://example.com", colour: "red" }));
	});

	it("patches only the fields sent, replaces auth whole, and 404s an unknown id", async () => {
		const created = await createDestination({
			event_types: ["*"],
			auth: { type: "header", name: "x-api-key", value: "key-0123456789abcdef" },
		});
		const patched = await adminJson(`/api/destinations/${created.id}`, {
			method: "PATCH",
			body: JSON.stringify({ name: "renamed", auth: { type: "none" } }),
		});
		expect(patched).toMatchObject({ name: "renamed", url: created.url, event_types: ["*"], auth: { type: "none" } });
		const stored = await getDestination(env.DB, created.id);
		expect(stored?.auth).toEqual({ type: "none" });
		expect((await admin("/api/destinations/dst_nope", { method: "PATCH", body: JSON.stringify({ name: "x" }) })).status).toBe(404);
		await expectBadParam(`/api/destinations/${created.id}`, "(root)", { method: "PATCH", body: "{}" });
	});

	it("disables by PATCH enabled=false as the operator's choice, not as a pause", async () => {
		const created = await createDestination({ event_types: ["*"] });
		const off = await adminJson(`/api/destinations/${created.id}`, { method: "PATCH", body: JSON.stringify({ enabled: false }) });
		expect(off).toMatchObject({ enabled: false, disabled_reason: "operator", paused: null });
		const on = await adminJson(`/api/destinations/${created.id}`, { method: "PATCH", body: JSON.stringify({ enabled: true }) });
		expect(on).toMatchObject({ enabled: true, disabled_reason: null });
	});

	it("rotates the secret with overlap: new and old both sign until the overlap ends", async () => {
		const created = await createDestination({ event_types: ["*"] });
		const before = Date.now();
		const rotated = await adminJson<{ secret: string; secrets: { expires_at: number | null }[] }>(
			`/api/destinations/${created.id}/rotate-secret`,
			{
				method: "POST",
				body: JSON.stringify({ overlap_seconds: 3600 }),
			},
		);
		expect(rotated.secret).not.toBe(created.secret);
		expect(rotated.secrets.map((s) => s.expires_at === null)).toEqual([true, false]);
		const stored = await getDestination(env.DB, created.id);
		const now = Date.now();
		expect(activeSecrets(stored!.secrets, now)).toEqual([rotated.secret, created.secret]);
		expect(activeSecrets(stored!.secrets, before + 3601_000)).toEqual([rotated.secret]);
		const header = await sign({ id: "msg_1", timestamp: 1, body: "{}" }, activeSecrets(stored!.secrets, now));
		expect(header.split(" ")).toHaveLength(2);
	});

	it("pauses and resumes by hand through the breaker, and says why it is paused", async () => {
		const created = await createDestination({ event_types: ["*"], sources: [uniqueSource()] });
		const paused = await adminJson(`/api/destinations/${created.id}/pause`, { method: "POST" });
		expect(paused).toMatchObject({ paused: "operator", breaker: { status: "paused" } });
		const resumed = await adminJson(`/api/destinations/${created.id}/resume`, { method: "POST" });
		expect(resumed).toMatchObject({ paused: null, breaker: { status: "closed", consecutive_failures: 0 } });
		expect((await admin("/api/destinations/dst_nope/pause", { method: "POST" })).status).toBe(404);
	});

	it("deletes a destination with its deliveries and attempts", async () => {
		const created = await createDestination({ event_types: ["*"] });
		await env.DB.prepare(
			"INSERT INTO deliveries (id, destination_id, event_id, event_type, source, status, next_attempt_at, created_at, updated_at) VALUES ('msg_del', ?, 'e', 't', 's', 'failed', 0, 0, 0)",
		)
			.bind(created.id)
			.run();
		expect((await admin(`/api/destinations/${created.id}`, { method: "DELETE" })).status).toBe(204);
		expect((await admin(`/api/destinations/${created.id}`)).status).toBe(404);
		expect(await env.DB.prepare("SELECT count(*) AS n FROM deliveries WHERE destination_id = ?").bind(created.id).first("n")).toBe(0);
		expect((await admin(`/api/destinations/${created.id}`, { method: "DELETE" })).status).toBe(404);
	});

	it("needs the admin token", async () => {
		expect((await admin("/api/destinations", { token: null })).status).toBe(401);
		expect((await admin("/api/deliveries", { token: "wrong" })).status).toBe(401);
		expect((await admin("/api/alerts", { token: null })).status).toBe(401);
	});
});

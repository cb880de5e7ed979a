import { describe, expect, it } from "vitest";
import { sha256Hex } from "../shared/crypto";
import { deliveryItem, type VerifiedDelivery } from "./delivery";

const text = '{"order":1}';
const base: VerifiedDelivery = {
	source: "acme",
	preset: { bodyDedupe: false },
	identity: { kind: "event", id: "evt_1", type: "order.paid", headers: {} },
	raw: new TextEncoder().encode(text).buffer as ArrayBuffer,
	text,
	receivedAt: 1_767_225_600_000,
};

describe("a verified delivery as an accept item", () => {
	it("keys it <source>:<provider id>, with no body key when the scheme signs the id or a timestamp", async () => {
		const item = await deliveryItem(base);
		expect(item.key).toBe("acme:evt_1");
		expect(item).not.toHaveProperty("bodyKey");
	});

	it("adds the body key '<source> sha256:<hex of the raw bytes>' for a scheme that signs neither", async () => {
		const item = await deliveryItem({ ...base, preset: { bodyDedupe: true } });
		expect(item.bodyKey).toBe(`acme sha256:${await sha256Hex(text)}`);
	});

	it("uses the body's sha256 as the provider id when the provider sends none", async () => {
		const { id: _id, ...noId } = base.identity;
		const item = await deliveryItem({ ...base, identity: noId });
		const sha = await sha256Hex(text);
		expect(item.key).toBe(`acme:${sha}`);
		expect(item.message).toMatchObject({ kind: "delivery", delivery: { id: sha, type: "order.paid", body: text } });
	});

	it("names the header an over-long id came from, and falls back to 'id'", async () => {
		const long = "x".repeat(200);
		await expect(deliveryItem({ ...base, identity: { ...base.identity, id: long, idField: "X-Acme-Id" } })).rejects.toMatchObject({
			status: 400,
			details: { fields: [{ field: "X-Acme-Id" }] },
		});
		await expect(deliveryItem({ ...base, identity: { ...base.identity, id: long } })).rejects.toMatchObject({
			details: { fields: [{ field: "id" }] },
		});
	});
});

// The fault matrix's promise (lost = 0, double-counted = 0) for provider
// deliveries claimed under two keys: GitHub's delivery id and the body's
// sha256, both in the body key's shard. A shard whose answer is lost after
// it enqueued and committed leaves the sender a 503; its retry, under the
// same id or a new one, is a duplicate, and the event is stored once.
import { describe, expect, it } from "vitest";
import { bodyClaimKey } from "../../src/idempotency/claims";
import { shardFor, shardName } from "../../src/idempotency/shard";
import { sha256Hex } from "../../src/shared/crypto";
import { countRows } from "../support/builders";
import { flakyShard } from "../support/faults";
import { deliveryRequest, sampleBody, signDelivery } from "../support/providers";
import { asMessages, deliver, fetchRecording } from "../support/queue";

describe("provider faults: lost = 0, double-counted = 0", () => {
	it("a GitHub delivery whose shard answer is lost is stored once, whatever id its retries come under", async () => {
		const body = sampleBody("github");
		const delivery = await signDelivery("github", body);
		const key = `github:${delivery.headers["x-github-delivery"]}`;
		const shard = shardFor(bodyClaimKey("github", await sha256Hex(body)), 16);

		const first = await fetchRecording(deliveryRequest("github", delivery), { IDEMPOTENCY: flakyShard(shardName(shard), "lost") });
		expect(first.response.status).toBe(503);
		expect(first.response.headers.get("retry-after")).toMatch(/^\d+$/);
		expect(first.sent).toHaveLength(1);

		const retry = await fetchRecording(deliveryRequest("github", delivery));
		const replay = await fetchRecording(deliveryRequest("github", delivery, { "x-github-delivery": crypto.randomUUID() }));
		expect([retry.response.status, replay.response.status]).toEqual([200, 200]);
		expect([...retry.sent, ...replay.sent]).toEqual([]);

		await deliver("webhook-events", asMessages(first.sent));
		expect(await countRows("SELECT count(*) AS n FROM events WHERE event_id = ?", key)).toBe(1);
		// Nothing else was stored with these bytes: the replay was not.
		// (payloads live in the R2 archive; the index keeps each one's content hash)
		expect(
			await countRows(
				"SELECT count(*) AS n FROM events WHERE source = 'github' AND body_hash = (SELECT body_hash FROM events WHERE event_id = ?)",
				key,
			),
		).toBe(1);
	});
});

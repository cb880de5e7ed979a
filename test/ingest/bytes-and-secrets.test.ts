// Bytes as received, secrets as meant: a provider body that starts with a
// UTF-8 BOM is verified over its raw bytes and archived with the BOM, and
// WEBHOOK_SECRET is trimmed like the provider secrets.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { archivedEvent } from "../support/archive";
import { signedRequest, validEvent } from "../support/builders";
import { deliveryRequest, sampleBody, signDelivery } from "../support/providers";
import { asMessages, deliver, fetchRecording } from "../support/queue";

const BOM = "\uFEFF";

describe("a provider body with a UTF-8 BOM", () => {
	it("is verified over the raw bytes, queued and archived with its BOM, and still mapped", async () => {
		const id = `evt_bom_${crypto.randomUUID().slice(0, 8)}`;
		const body = `${BOM}${sampleBody("stripe", { id })}`;
		const { response, sent } = await fetchRecording(deliveryRequest("stripe", await signDelivery("stripe", body)));
		expect(response.status, await response.clone().text()).toBe(202);
		expect(sent).toMatchObject([{ kind: "delivery", delivery: { id, body } }]);

		const result = await deliver("webhook-events", asMessages(sent));
		expect(result.explicitAcks).toHaveLength(1);
		const { row, event } = await archivedEvent(`stripe:${id}`);
		expect(event?.payload).toBe(body);
		expect(event?.payload.charCodeAt(0)).toBe(0xfeff);
		expect(row?.event_type).toBe("user_signup");
	});

	it("refuses a signature made over the body without its BOM", async () => {
		const json = sampleBody("stripe");
		const signedWithout = await signDelivery("stripe", json);
		const { response } = await fetchRecording(deliveryRequest("stripe", { ...signedWithout, body: `${BOM}${json}` }));
		expect(response.status).toBe(401);
		expect(await response.json()).toMatchObject({ error: "signature_mismatch" });
	});

	it("accepts a direct event with a BOM", async () => {
		const { response } = await fetchRecording(await signedRequest(`${BOM}${JSON.stringify(validEvent())}`));
		expect(response.status).toBe(202);
	});
});

describe("WEBHOOK_SECRET", () => {
	it("is trimmed: a stray trailing newline (echo … | wrangler secret put) does not turn every event into a 401", async () => {
		for (const stray of [`${env.WEBHOOK_SECRET}\n`, `${env.WEBHOOK_SECRET}\r\n`, ` ${env.WEBHOOK_SECRET} `]) {
			const { response } = await fetchRecording(await signedRequest(validEvent()), { WEBHOOK_SECRET: stray });
			expect(response.status, JSON.stringify(stray)).toBe(202);
		}
	});

	it("still refuses a signature made with the newline in the key, and counts a blank secret as unset", async () => {
		const stray = `${env.WEBHOOK_SECRET}\n`;
		const { response } = await fetchRecording(await signedRequest(validEvent(), { secret: stray }), { WEBHOOK_SECRET: stray });
		expect(response.status).toBe(401);
		const blank = await fetchRecording(await signedRequest(validEvent()), { WEBHOOK_SECRET: " \n" });
		expect(blank.response.status).toBe(503);
		expect(await blank.response.json()).toMatchObject({ error: "signing_not_configured" });
	});
});

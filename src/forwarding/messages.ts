import * as z from "../zod/mini";

// What travels on the webhook-deliveries queue. A delivery's state lives in
// D1 (deliveries), so a message only says what to do:
//   deliver  attempt one delivery (fan-out, retry, replay, release)
//   probe    the breaker's probe is due: try the oldest held delivery
//   release  the destination delivers again: re-queue its held deliveries
export const deliveryMessageSchema = z.discriminatedUnion("kind", [
	z.object({ kind: z.literal("deliver"), delivery_id: z.string().check(z.minLength(1)) }),
	z.object({ kind: z.literal("probe"), destination_id: z.string().check(z.minLength(1)) }),
	z.object({ kind: z.literal("release"), destination_id: z.string().check(z.minLength(1)) }),
]);

export type DeliveryMessage = z.infer<typeof deliveryMessageSchema>;

// Queues delays at most 12 hours.
const delay = (seconds: number) => Math.min(43_200, Math.max(0, Math.ceil(seconds)));

export async function sendDeliveries(queue: Queue, ids: readonly string[]): Promise<void> {
	// sendBatch takes at most 100 messages; these are tiny.
	for (let i = 0; i < ids.length; i += 100) {
		await queue.sendBatch(
			ids.slice(i, i + 100).map((delivery_id) => ({ body: { kind: "deliver", delivery_id } satisfies DeliveryMessage })),
		);
	}
}

export const sendProbe = (queue: Queue, destinationId: string, atMs: number, now: number) =>
	queue.send({ kind: "probe", destination_id: destinationId } satisfies DeliveryMessage, { delaySeconds: delay((atMs - now) / 1000) });

export const sendRelease = (queue: Queue, destinationId: string) =>
	queue.send({ kind: "release", destination_id: destinationId } satisfies DeliveryMessage);

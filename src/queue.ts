import { isDeliveriesQueue } from "./forwarding/queues";

// Every queue the Worker consumes: the deliveries queues (webhook-deliveries
// and its DLQ) go to forwarding; every other queue to the event consumer.
// Each consumer is loaded on its first batch (see index.ts).
export async function queue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	if (isDeliveriesQueue(batch.queue)) await (await import("./forwarding/consume")).consumeDeliveries(batch, env);
	else await (await import("./consumer")).queue(batch, env);
}

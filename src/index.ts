import { everyMinute } from "./alerting/cron";
import { createApp } from "./app";
import { queue } from "./consumer";
import type { EventMessage } from "./events/envelope";
import { consumeDeliveries } from "./forwarding/consume";
import { isDeliveriesQueue } from "./forwarding/queues";

export type { EventMessage } from "./events/envelope";
export { IdempotencyShard } from "./idempotency/durable-object";
export { IngestMetrics } from "./metrics/ingest-metrics";

const app = createApp();

// The deliveries queues (webhook-deliveries and its DLQ) go to forwarding;
// every other queue to the event consumer.
const queues = (batch: MessageBatch<unknown>, env: Env) =>
	isDeliveriesQueue(batch.queue) ? consumeDeliveries(batch, env) : queue(batch, env);

export default {
	fetch: app.fetch,
	queue: queues as ExportedHandlerQueueHandler<Env, EventMessage>,
	// The every-minute cron: alert rules, and the deliveries sweep.
	scheduled(controller, env, ctx) {
		ctx.waitUntil(everyMinute(env, controller.scheduledTime));
	},
} satisfies ExportedHandler<Env, EventMessage>;
